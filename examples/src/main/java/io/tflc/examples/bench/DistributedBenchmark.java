package io.tflc.examples.bench;

import io.tflc.examples.ReferenceModels;
import io.tflc.lc.data.BatchSource;
import io.tflc.lc.data.Dataset;
import io.tflc.lc.data.Datasets;
import io.tflc.lc.distributed.Cluster;
import io.tflc.lc.distributed.ClusterWorker;
import io.tflc.lc.distributed.Replica;
import io.tflc.lc.lstep.GradientReduction;
import io.tflc.lc.lstep.LStepGraph;
import io.tflc.lc.lstep.Optimizer;
import io.tflc.lc.objective.SoftmaxCrossEntropy;
import io.tflc.savedmodels.ModelWeight;
import io.tflc.savedmodels.TrainableModel;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code bench distributed}: L-step throughput of LeNet5 on 1 and 2 loopback workers at one global batch, launches
 * alternated; in each 2-worker launch, every worker also times the same update without the all-reduce (compute
 * only), alternated with the real one, so that a step splits into compute and all-reduce (with the wait for the
 * slower peer). On a 2-core host two workers share the cores a single process uses: no speed-up is expected.
 */
final class DistributedBenchmark {
    private static final String MODEL = "lenet5";
    private static final int GLOBAL_BATCH = 128;
    private static final int STEPS = 20;
    private static final int ROUNDS = 5;
    private static final int LAUNCHES = 2;

    private DistributedBenchmark() {
    }

    static int run() throws Exception {
        System.out.printf(Locale.ROOT, "%s L-step, global batch %d, %d steps a timing, %d timings a launch, "
                + "%d launches per setting alternated; medians (min–max)%n", MODEL, GLOBAL_BATCH, STEPS, ROUNDS,
                LAUNCHES);
        Sample[] step = {new Sample(LAUNCHES * ROUNDS), new Sample(LAUNCHES * ROUNDS)};
        Sample[] compute = {new Sample(LAUNCHES * ROUNDS), new Sample(LAUNCHES * ROUNDS)};
        for (int launch = 0; launch < LAUNCHES; launch++) {
            for (int n = 1; n <= 2; n++) {
                for (double[] r : launch(n)) {
                    step[n - 1].add(r[0]);
                    compute[n - 1].add(r[1]);
                }
            }
        }
        for (int n = 1; n <= 2; n++) {
            Sample s = step[n - 1];
            Sample examples = new Sample(LAUNCHES * ROUNDS);
            for (int i = 0; i < LAUNCHES * ROUNDS; i++) {
                examples.add(GLOBAL_BATCH / (s.value(i) / 1000));
            }
            System.out.printf(Locale.ROOT, "  %d worker(s), local batch %3d: %s examples/s; step %s ms = compute %s ms"
                    + " + all-reduce and wait %.2f ms%n", n, GLOBAL_BATCH / n, examples.format("%,.0f"),
                    s.format("%.2f"), compute[n - 1].format("%.2f"), s.median() - compute[n - 1].median());
        }
        double ratio = step[0].median() / step[1].median();
        System.out.printf(Locale.ROOT, "  2 workers / 1 worker throughput: %.2f×%n", ratio);
        return 0;
    }

    /** One launch of {@code n} worker processes; worker 0's timings, {step ms, compute ms} per round. */
    private static List<double[]> launch(int n) throws Exception {
        Cluster cluster = Cluster.loopback(n);
        String javaCommand = ProcessHandle.current().info().command().orElse("java");
        List<Process> workers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            workers.add(new ProcessBuilder(javaCommand, "-cp", System.getProperty("java.class.path"),
                    DistributedBenchmark.class.getName(), String.join(",", cluster.workers()), Integer.toString(i))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start());
        }
        List<double[]> rounds = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(workers.get(0).getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("ROUND ")) {
                    rounds.add(Arrays.stream(line.substring(6).split(" ")).mapToDouble(Double::parseDouble).toArray());
                }
            }
        } finally {
            for (Process p : workers) {
                if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
        if (rounds.size() != ROUNDS) {
            throw new IllegalStateException("a " + n + "-worker launch reported " + rounds.size() + " timings of "
                    + ROUNDS + " (exit " + workers.get(0).exitValue() + ")");
        }
        return rounds;
    }

    /** A worker: {@code HOST:PORT,… INDEX}. Prints "ROUND stepMs computeMs" per round, then exits. */
    public static void main(String[] args) throws Exception {
        Cluster cluster = new Cluster(List.of(args[0].split(",")));
        int index = Integer.parseInt(args[1]);
        int n = cluster.size();
        Replica replica = new Replica(index, n);
        Dataset train = Datasets.loadMnistLayout(Datasets.FASHION_MNIST, 1f / 255, ReferenceModels.exampleShape(MODEL))
                .train().head(GLOBAL_BATCH * STEPS);
        try (TrainableModel local = ReferenceModels.build(MODEL, 1);
             TrainableModel model = n == 1 ? null : ClusterWorker.start(cluster, index).onServer(local);
             BatchSource batches = replica.trainingBatches(train, model != null ? model : local, GLOBAL_BATCH)) {
            TrainableModel m = model != null ? model : local;
            List<String> kernels = m.weights().stream().map(ModelWeight::name).filter(w -> w.endsWith("kernel"))
                    .toList();
            LStepGraph reduced = lStep(m, kernels, replica.reduction());
            LStepGraph computeOnly = n == 1 ? reduced : lStep(m, kernels, GradientReduction.LOCAL);
            SplittableRandom random = new SplittableRandom(1);
            reduced.epoch(batches, random, () -> { });
            computeOnly.epoch(batches, random, () -> { });
            for (int r = 0; r < ROUNDS; r++) {
                long t0 = System.nanoTime();
                reduced.epoch(batches, random.split(), () -> { });
                double stepMs = (System.nanoTime() - t0) / 1e6 / batches.count();
                long t1 = System.nanoTime();
                computeOnly.epoch(batches, random.split(), () -> { });
                double computeMs = (System.nanoTime() - t1) / 1e6 / batches.count();
                System.out.printf(Locale.ROOT, "ROUND %.4f %.4f%n", stepMs, computeMs);
            }
        }
        System.out.flush();
        System.exit(0);
    }

    private static LStepGraph lStep(TrainableModel model, List<String> kernels, GradientReduction reduction) {
        LStepGraph lstep = new LStepGraph(model, new SoftmaxCrossEntropy(), kernels,
                new Optimizer(Optimizer.SGD_NESTEROV, 0.9), reduction);
        lstep.setLearningRate(0.01);
        lstep.setPenalty(1e-2, model.access().read(kernels));
        return lstep;
    }
}
