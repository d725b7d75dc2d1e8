package io.tflc.lc.algorithm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.compressors.Theta;
import io.tflc.compressors.VectorQuantized;
import io.tflc.compressors.quantization.AdaptiveCodebook;
import io.tflc.compressors.quantization.VectorQuantization;
import io.tflc.compressors.views.AsIs;
import io.tflc.lc.data.Dataset;
import io.tflc.lc.data.Minibatches;
import io.tflc.lc.lstep.LStepGraph;
import io.tflc.lc.lstep.Optimizer;
import io.tflc.savedmodels.FloatRun;
import io.tflc.savedmodels.ModelExporter;
import io.tflc.savedmodels.ModelWeight;
import io.tflc.savedmodels.SavedModelReader;
import io.tflc.savedmodels.TrainableModel;
import io.tflc.savedmodels.layers.LayerGraph;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.types.TFloat32;

/**
 * Issue 15, embeddings: a text classifier whose embedding table is most of its weights, compressed with the kernels
 * by LC (a 4-entry codebook each), and its table's rows vector-quantized.
 *
 * <p>The synthetic task: each of 200 tokens carries two hidden scores; a sentence of 12 tokens is in class
 * 2·[Σ first score > 0] + [Σ second score > 0]. The model must learn the scores into its table, and a coarse table
 * loses them, so direct compression hurts and LC has something to recover.
 */
class EmbeddingCompressionTest {
    private static final int VOCABULARY = 200;
    private static final int WIDTH = 8;
    private static final int LENGTH = 12;
    private static final int CLASSES = 4;
    private static final String TABLE = "embedding/embeddings";

    @TempDir
    static Path dir;
    private static Dataset train;
    private static Dataset test;
    private static Path reference;

    @BeforeAll
    static void trainReference() throws Exception {
        train = sentences(5000, 1);
        test = sentences(1000, 2);
        reference = dir.resolve("reference");
        try (TrainableModel model = textClassifier(); Minibatches batches = new Minibatches(train, 50)) {
            LStepGraph training = new LStepGraph(model, List.of(), new Optimizer(Optimizer.ADAM, 0.9));
            training.setLearningRate(0.01);
            for (int epoch = 0; epoch < 8; epoch++) {
                training.epoch(batches, train.shuffledIndices(new SplittableRandom(epoch)), () -> { });
            }
            ModelExporter.write(model, reference, false);
        }
    }

    @Test
    void lcWithFourEntryCodebooksOnKernelsAndTableBeatsDirectCompressionAndExportsServingTheNestedModel()
            throws Exception {
        try (TrainableModel model = SavedModelReader.read(reference, "serving_default", null, null)) {
            ModelWeight table = model.weight(TABLE);
            assertEquals("ResourceGather", table.layer());
            List<Task> tasks = new ArrayList<>();
            for (ModelWeight w : model.weights()) {
                if (w.name().endsWith("kernel") || w.name().equals(TABLE)) {
                    tasks.add(new Task(w.name(), List.of(w.name()), new AsIs(w.dims()), new AdaptiveCodebook(4)));
                }
            }
            assertEquals(3, tasks.size(), "two kernels and the table");
            LcRun run = run(model, tasks);
            LcReport report = run.run(false);
            double dc = report.directCompression().testError();
            double lc = report.finalRow().testError();
            System.out.printf("text classifier, k = 4: test error reference %.2f%%, DC %.2f%%, LC %.2f%%%n",
                    100 * report.reference().testError(), 100 * dc, 100 * lc);
            assertTrue(lc < dc - 0.03, "LC " + lc + " should end well below DC " + dc);
            int t = tasks.indexOf(tasks.stream().filter(task -> task.name().equals(TABLE)).findFirst().orElseThrow());
            assertTrue(Arrays.stream(run.thetas().get(t).decompress().toArray()).distinct().count() <= 4);

            assertExportServesTheNestedModel(model, tasks, run, "lc-k4");
        }
    }

    @Test
    void vectorQuantizationGivesEveryRowOfTheTableOneOfKCodes() throws Exception {
        int k = 32;
        try (TrainableModel model = SavedModelReader.read(reference, "serving_default", null, null)) {
            List<Task> tasks = List.of(new Task(TABLE, List.of(TABLE), new AsIs(new int[] {VOCABULARY, WIDTH}),
                    new VectorQuantization(k, WIDTH)));
            LcRun run = run(model, tasks);
            LcReport report = run.run(false);
            double dc = report.directCompression().testError();
            double lc = report.finalRow().testError();
            System.out.printf("text classifier, rows VQ k = %d: test error reference %.2f%%, DC %.2f%%, LC %.2f%%%n",
                    k, 100 * report.reference().testError(), 100 * dc, 100 * lc);
            VectorQuantized theta = (VectorQuantized) run.thetas().get(0);
            assertEquals(VOCABULARY, theta.codes().length, "one code per row");
            double[] rows = theta.decompress().toArray();
            Set<List<Double>> distinct = new HashSet<>();
            for (int r = 0; r < VOCABULARY; r++) {
                List<Double> row = new ArrayList<>();
                for (int j = 0; j < WIDTH; j++) {
                    row.add(rows[r * WIDTH + j]);
                }
                distinct.add(row);
            }
            assertTrue(distinct.size() <= k, distinct.size() + " distinct rows");
            // Which tokens share a row is all VQ decides here, and DC's clustering of the trained rows is already
            // about as good as any (measured: DC 12.2%, LC 12.5%): LC must converge to a quantized table without
            // losing accuracy, not beat DC.
            List<Row> steps = report.steps();
            assertTrue(steps.get(steps.size() - 1).tasks().get(0).distance()
                    < 0.01 * steps.get(0).tasks().get(0).distance(), "‖w − Δ(Θ)‖² shrinks to nothing as μ grows");
            assertTrue(lc <= dc + 0.02, "LC " + lc + " vs DC " + dc);
            assertExportServesTheNestedModel(model, tasks, run, "lc-vq");
        }
    }

    /**
     * Exports the compressed model and checks that plain TF loads it with the original signature and serves what the
     * nested model (weights := Δ(Θ)) computes on the test set.
     */
    private static void assertExportServesTheNestedModel(TrainableModel model, List<Task> tasks, LcRun run,
                                                         String name) throws Exception {
        run.applyCompressedWeights();
        Path exported = dir.resolve(name);
        ModelExporter.write(model, storedTasks(tasks, run.thetas()), exported, false);
        float[] nested = outputs(model.session(), model.input(), model.output());
        try (SavedModelBundle bundle = SavedModelBundle.load(exported.toString(), "serve");
             SavedModelBundle original = SavedModelBundle.load(reference.toString(), "serve")) {
            SignatureDef served = bundle.metaGraphDef().getSignatureDefOrThrow("serving_default");
            SignatureDef before = original.metaGraphDef().getSignatureDefOrThrow("serving_default");
            assertEquals(before.getInputsMap(), served.getInputsMap(), "the original signature's input");
            assertEquals(before.getOutputsMap(), served.getOutputsMap(), "the original signature's output");
            float[] loaded = FloatRun.run(bundle.session(), served.getInputsOrThrow("input").getName(),
                    served.getOutputsOrThrow("probabilities").getName(), new long[] {test.size(), LENGTH},
                    test.features());
            double worst = 0;
            for (int i = 0; i < nested.length; i++) {
                worst = Math.max(worst, Math.abs(nested[i] - loaded[i]));
            }
            assertTrue(worst <= 1e-5, name + ": max |exported − nested| = " + worst);
        }
    }

    /** embedding 200 × 8 → mean over the sentence → dense 16 (ReLU) → dense 4. */
    private static TrainableModel textClassifier() {
        LayerGraph layers = new LayerGraph(new Graph(), 11);
        Placeholder<TFloat32> input = layers.input(LENGTH);
        Operand<TFloat32> rows = layers.embedding("embedding", input, VOCABULARY, WIDTH);
        Operand<TFloat32> sentence = layers.ops().math.mean(rows, layers.ops().constant(1));
        Operand<TFloat32> hidden = layers.dense("dense", sentence, 16, true);
        return layers.build(input, layers.dense("dense_1", hidden, CLASSES, false));
    }

    /** Sentences of uniformly drawn tokens, labelled by the signs of their two score sums (fixed token scores). */
    private static Dataset sentences(int count, long seed) {
        SplittableRandom scores = new SplittableRandom(42);
        double[][] score = new double[VOCABULARY][2];
        for (double[] s : score) {
            s[0] = gaussian(scores);
            s[1] = gaussian(scores);
        }
        SplittableRandom random = new SplittableRandom(seed);
        float[] ids = new float[count * LENGTH];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            double a = 0;
            double b = 0;
            for (int p = 0; p < LENGTH; p++) {
                int token = random.nextInt(VOCABULARY);
                ids[i * LENGTH + p] = token;
                a += score[token][0];
                b += score[token][1];
            }
            labels[i] = (a > 0 ? 2 : 0) + (b > 0 ? 1 : 0);
        }
        return Dataset.ofClasses(ids, labels, new int[] {LENGTH});
    }

    private static double gaussian(SplittableRandom random) {
        return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    private static LcRun run(TrainableModel model, List<Task> tasks) {
        return new LcRun(model, tasks, new MuSchedule(1e-3, 1.6, 14),
                new LStepSettings(2, 2, 50, new Optimizer(Optimizer.ADAM, 0.9), 3e-3, 0.97), train, test, 3,
                new LcRun.Listener() { }, null, "test");
    }

    private static List<ModelExporter.CompressedTask> storedTasks(List<Task> tasks, List<Theta> thetas) {
        List<ModelExporter.CompressedTask> stored = new ArrayList<>();
        for (int t = 0; t < tasks.size(); t++) {
            stored.add(new ModelExporter.CompressedTask(tasks.get(t).weights(), tasks.get(t).view(), thetas.get(t),
                    tasks.get(t).form()));
        }
        return stored;
    }

    private static float[] outputs(org.tensorflow.Session session, org.tensorflow.Output<TFloat32> input,
                                   org.tensorflow.Output<TFloat32> output) {
        return FloatRun.run(session, input.op().name() + ":" + input.index(),
                output.op().name() + ":" + output.index(), new long[] {test.size(), LENGTH}, test.features());
    }
}
