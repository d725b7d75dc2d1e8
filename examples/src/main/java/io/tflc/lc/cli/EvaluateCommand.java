package io.tflc.lc.cli;

import io.tflc.lc.data.Dataset;
import io.tflc.lc.data.BatchSource;
import io.tflc.lc.evaluation.Evaluator;
import io.tflc.lc.objective.Distillation;
import io.tflc.lc.objective.Objective;
import io.tflc.lc.objective.Objectives;
import io.tflc.savedmodels.SavedModelReader;
import io.tflc.savedmodels.TrainableModel;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tf-lc evaluate --model DIR}: a SavedModel's loss and measures on labelled data, under its objective. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Loss and measures of a SavedModel on labelled data (an IDX folder's t10k set, or every example "
                + "of another source): error (and top-5 error over 10 classes) for classifiers, MAE and RMSE for "
                + "regression.")
public final class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "SavedModel folder")
    private Path model;

    @Mixin
    private DataOptions data;

    @Option(names = "--loss", description = "auto (default), softmax_cross_entropy, sigmoid_cross_entropy, mse, mae")
    private String loss = Objectives.AUTO;

    @Option(names = "--signature", description = "signature key (default: ${DEFAULT-VALUE})")
    private String signature = "serving_default";

    @Mixin
    private TrustOption trust;

    @Override
    public Integer call() throws Exception {
        try (TrainableModel m = SavedModelReader.read(model, signature, null, null, trust.trust())) {
            Objective objective = Objectives.resolve(loss, m, 1);
            if (objective instanceof Distillation) {
                throw new IllegalArgumentException("evaluate measures a model against labels; --loss distill has "
                        + "none (use auto, or the objective the model was trained with)");
            }
            Dataset test = data.load(m.exampleShape()).test();
            if (test == null) {
                throw new java.io.IOException(data.source() + " has no t10k-* IDX files to evaluate on");
            }
            objective.check(test, objective.outputs(m), data.source());
            try (BatchSource batches = test.batchesFor(m, 1000)) {
                Evaluator.Evaluation e = new Evaluator(m, objective).evaluate(batches);
                System.out.printf(Locale.ROOT, "%s: %s loss %.4f, %s on %d examples%n", model, objective.name(),
                        e.loss(), measures(e.metrics()), test.size());
            }
        }
        return 0;
    }

    /** "error 10.43%, top5_error 1.2%" or "mae 1.92, rmse 2.71". */
    static String measures(Map<String, Double> metrics) {
        return metrics.entrySet().stream().map(m -> m.getKey().contains("error")
                ? String.format(Locale.ROOT, "%s %.2f%%", m.getKey().replace('_', '-'), 100 * m.getValue())
                : String.format(Locale.ROOT, "%s %.4g", m.getKey(), m.getValue())).collect(Collectors.joining(", "));
    }
}
