package io.tflc.examples.bench;

import io.tflc.compressors.CStep;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.Theta;
import io.tflc.examples.ReferenceModels;
import io.tflc.examples.experiments.ExperimentDefinition;
import io.tflc.lc.algorithm.Task;
import io.tflc.lc.data.Dataset;
import io.tflc.lc.data.Datasets;
import io.tflc.lc.data.Minibatches;
import io.tflc.lc.lstep.LStepGraph;
import io.tflc.lc.plan.Plan;
import io.tflc.lc.plan.PlanParser;
import io.tflc.lc.plan.TaskSpec;
import io.tflc.savedmodels.SavedModelReader;
import io.tflc.savedmodels.TrainableModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * For every scheme of {@code examples/experiments/<model>.json}: the C-step of an LC step (all tasks, in parallel as
 * LC runs them, warm-started from DC) against one L-step epoch of the same model on Fashion-MNIST. Weights are the
 * trained reference's ({@code runs/reference-<model>}) when it exists, else the untrained model's. Per model, the
 * epochs and C-steps alternate; medians of 5.
 */
final class CStepShareBenchmark {
    private static final int REPETITIONS = 5;
    private static final double MU = 1e-2;

    private CStepShareBenchmark() {
    }

    static int run(Path home) throws Exception {
        System.out.printf(Locale.ROOT, "C-step time of one LC step / one L-step epoch (60,000 images, batch 128), "
                + "medians of %d (min–max); goal ≤ 0.05%n", REPETITIONS);
        for (String name : List.of("lenet300", "lenet5")) {
            ExperimentDefinition definition = ExperimentDefinition.read(
                    home.resolve("examples/experiments").resolve(name + ".json"));
            Path reference = home.resolve("runs/reference-" + name);
            boolean trained = Files.exists(reference.resolve("saved_model.pb"));
            Dataset data = Datasets.loadMnistLayout(Datasets.FASHION_MNIST, 1f / 255,
                    ReferenceModels.exampleShape(name)).train();
            try (TrainableModel model = trained ? SavedModelReader.read(reference, "serving_default", null, null)
                    : ReferenceModels.build(name, 1);
                 Minibatches batches = new Minibatches(data, 128)) {
                List<List<Task>> schemes = new ArrayList<>();
                for (ExperimentDefinition.Scheme scheme : definition.schemes()) {
                    schemes.add(tasks(definition, scheme, model));
                }
                Map<String, float[]> weights = model.access().readAll();
                LStepGraph lstep = PenalizedLStep.on(model, MU);
                SplittableRandom random = new SplittableRandom(1);
                lstep.epoch(batches, data.shuffledIndices(random), () -> { });
                Sample epoch = new Sample(REPETITIONS);
                List<Sample> csteps = new ArrayList<>();
                schemes.forEach(s -> csteps.add(new Sample(REPETITIONS)));
                List<Theta[]> dc = schemes.stream().map(tasks -> cStep(tasks, weights, null)).toList();
                for (int r = 0; r < REPETITIONS; r++) {
                    long t0 = System.nanoTime();
                    lstep.epoch(batches, data.shuffledIndices(random), () -> { });
                    epoch.add((System.nanoTime() - t0) / 1e9);
                    for (int s = 0; s < schemes.size(); s++) {
                        long t1 = System.nanoTime();
                        cStep(schemes.get(s), weights, dc.get(s));
                        csteps.get(s).add((System.nanoTime() - t1) / 1e9);
                    }
                }
                System.out.printf(Locale.ROOT, "%s (%s weights): L-step epoch %s s%n", name,
                        trained ? "trained" : "untrained", epoch.format("%.3f"));
                for (int s = 0; s < schemes.size(); s++) {
                    Sample ratio = new Sample(REPETITIONS);
                    for (int r = 0; r < REPETITIONS; r++) {
                        ratio.add(csteps.get(s).value(r) / epoch.value(r));
                    }
                    System.out.printf(Locale.ROOT, "  %-62.62s C-step %s ms  ratio %s%n",
                            definition.schemes().get(s).label(), csteps.get(s).scaled(1e3).format("%.1f"),
                            ratio.format("%.4f"));
                }
            }
        }
        return 0;
    }

    /** DC (previous null) or an LC step's C-step warm-started from {@code previous}, every task in parallel. */
    private static Theta[] cStep(List<Task> tasks, Map<String, float[]> weights, Theta[] previous) {
        Theta[] out = new Theta[tasks.size()];
        IntStream.range(0, tasks.size()).parallel().forEach(t -> {
            Matrix w = tasks.get(t).pack(weights);
            out[t] = tasks.get(t).compression().compress(w, previous == null ? CStep.direct(1e-3)
                    : CStep.of(MU, 1, previous[t]));
        });
        return out;
    }

    private static List<Task> tasks(ExperimentDefinition definition, ExperimentDefinition.Scheme scheme,
                                    TrainableModel model) {
        Plan plan = PlanParser.parse(definition.plan(scheme, Path.of("unused"), Path.of("unused"), false),
                Path.of("."));
        List<Task> tasks = new ArrayList<>();
        for (TaskSpec spec : plan.tasks()) {
            tasks.addAll(spec.resolve(model));
        }
        return tasks;
    }
}
