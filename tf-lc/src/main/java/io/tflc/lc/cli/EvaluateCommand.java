package io.tflc.lc.cli;

import io.tflc.lc.data.Datasets;
import io.tflc.lc.data.Minibatches;
import io.tflc.lc.evaluation.Evaluator;
import io.tflc.savedmodels.SavedModelReader;
import io.tflc.savedmodels.TrainableModel;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tf-lc evaluate --model DIR}: test error and loss of a SavedModel on IDX data. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Test error and cross-entropy of a SavedModel classifier on the t10k-* IDX files of a folder.")
public final class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "SavedModel folder")
    private Path model;

    @Mixin
    private DataOptions data;

    @Option(names = "--signature", description = "signature key (default: ${DEFAULT-VALUE})")
    private String signature = "serving_default";

    @Mixin
    private TrustOption trust;

    @Override
    public Integer call() throws Exception {
        try (TrainableModel m = SavedModelReader.read(model, signature, null, null, trust.trust())) {
            Datasets sets = data.load(m.exampleShape());
            if (sets.test() == null) {
                throw new java.io.IOException(data.folder() + " has no t10k-* IDX files to evaluate on");
            }
            try (Minibatches batches = new Minibatches(sets.test(), 1000)) {
                Evaluator.Evaluation e = new Evaluator(m).evaluate(batches);
                System.out.printf(Locale.ROOT, "%s: test error %.2f%%, loss %.4f on %d examples%n", model,
                        100 * e.error(), e.loss(), sets.test().size());
            }
        }
        return 0;
    }
}
