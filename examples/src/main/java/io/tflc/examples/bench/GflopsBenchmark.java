package io.tflc.examples.bench;

import io.tflc.examples.ReferenceModels;
import io.tflc.lc.data.Dataset;
import io.tflc.lc.data.Datasets;
import io.tflc.lc.data.Minibatches;
import io.tflc.lc.lstep.LStepGraph;
import io.tflc.savedmodels.Flops;
import io.tflc.savedmodels.TrainableModel;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * How close an L-step epoch comes to this machine's arithmetic limit: its achieved GFLOP/s against a large MatMul's
 * (2048³, float32, TF's own kernel) measured in the same process, alternating; medians of 5. An epoch's FLOPs are
 * counted as 3× the forward FLOPs of the weighted layers ({@link Flops}: backward ≈ 2× forward), per example.
 */
final class GflopsBenchmark {
    private static final int REPETITIONS = 5;
    private static final int N = 2048;
    private static final int MATMULS_PER_SAMPLE = 10;
    /** FLOPs of one measured epoch at most (LeNets: all 60,000 images; ResNet-20: about 10,000). */
    private static final double FLOPS_PER_EPOCH = 2e12;

    private GflopsBenchmark() {
    }

    /** Measures the named reference models (default: lenet300 and lenet5). */
    static int run(List<String> models) throws Exception {
        System.out.printf(Locale.ROOT, "achieved GFLOP/s, medians of %d (min–max)%n", REPETITIONS);
        try (Graph graph = new Graph(); Session session = new Session(graph)) {
            Ops tf = Ops.create(graph);
            Operand<TFloat32> a = tf.random.randomUniform(tf.constant(new long[] {N, N}), TFloat32.class);
            Operand<TFloat32> product = tf.reduceSum(tf.linalg.matMul(a, tf.identity(a)), tf.constant(new int[] {0, 1}));
            for (String name : models.isEmpty() ? List.of("lenet300", "lenet5") : models) {
                Dataset all = Datasets.loadMnistLayout(Datasets.FASHION_MNIST, 1f / 255,
                        ReferenceModels.exampleShape(name)).train();
                try (TrainableModel model = ReferenceModels.build(name, 1)) {
                    double flopsPerExample = 3.0 * model.weights().stream()
                            .mapToLong(w -> Flops.perExample(model, w)).sum();
                    // An epoch of about FLOPS_PER_EPOCH at most: GFLOP/s is a rate, and a ResNet's full epoch
                    // would take minutes per sample.
                    Dataset train = all.head((int) Math.min(all.size(), Math.ceil(FLOPS_PER_EPOCH / flopsPerExample)));
                    measure(name, model, train, flopsPerExample, session, product);
                }
            }
        }
        return 0;
    }

    /** One model's L-step epochs and MatMuls, alternated, medians printed. */
    private static void measure(String name, TrainableModel model, Dataset train, double flopsPerExample,
                                Session session, Operand<TFloat32> product) {
        try (Minibatches batches = new Minibatches(train, 128)) {
            LStepGraph lstep = PenalizedLStep.on(model, 1e-2);
            SplittableRandom random = new SplittableRandom(1);
            lstep.epoch(batches, train.shuffledIndices(random), () -> { });
            matMulSeconds(session, product);
            Sample epoch = new Sample(REPETITIONS);
            Sample matMul = new Sample(REPETITIONS);
            Sample ratio = new Sample(REPETITIONS);
            for (int r = 0; r < REPETITIONS; r++) {
                long t0 = System.nanoTime();
                lstep.epoch(batches, train.shuffledIndices(random), () -> { });
                double epochGflops = flopsPerExample * train.size() / (System.nanoTime() - t0);
                double matMulGflops = 2.0 * N * N * N / matMulSeconds(session, product) / 1e9;
                epoch.add(epochGflops);
                matMul.add(matMulGflops);
                ratio.add(epochGflops / matMulGflops);
            }
            System.out.printf(Locale.ROOT, "  %-8s L-step epoch of %,d examples %s GFLOP/s (%.2f MFLOP per example)   "
                            + "MatMul %d³ %s GFLOP/s   ratio %s%n", name, train.size(), epoch.format("%.1f"),
                    flopsPerExample / 1e6, N, matMul.format("%.1f"), ratio.format("%.3f"));
        }
    }

    /** Seconds per MatMul, from {@value #MATMULS_PER_SAMPLE} runs (random inputs generated in the graph, O(N²)). */
    private static double matMulSeconds(Session session, Operand<TFloat32> product) {
        long t0 = System.nanoTime();
        for (int i = 0; i < MATMULS_PER_SAMPLE; i++) {
            try (Result r = session.runner().fetch(product).run()) {
                if (!Float.isFinite(((TFloat32) r.get(0)).getFloat())) {
                    throw new IllegalStateException("MatMul produced a non-finite sum");
                }
            }
        }
        return (System.nanoTime() - t0) / 1e9 / MATMULS_PER_SAMPLE;
    }
}
