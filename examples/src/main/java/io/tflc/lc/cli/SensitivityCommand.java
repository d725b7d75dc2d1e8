package io.tflc.lc.cli;

import io.tflc.lc.sensitivity.Measured;
import io.tflc.lc.sensitivity.Sensitivity;
import io.tflc.lc.sensitivity.SensitivityFiles;
import io.tflc.lc.sensitivity.SensitivityReport;
import io.tflc.lc.sensitivity.Trial;
import io.tflc.lc.sensitivity.WeightSensitivity;
import io.tflc.savedmodels.OutputFolder;
import io.tflc.savedmodels.SavedModelReader;
import io.tflc.savedmodels.TrainableModel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tf-lc sensitivity}: per compressible weight and compression of a ladder, the validation loss and error of
 * the model with only that weight directly compressed ({@link Sensitivity}). The data options are those of the
 * one-line {@code compress}, so that both see the same training set; the validation split is carved from it.
 */
@Command(name = "sensitivity", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Per-layer sensitivity: for each compressible weight (kernels, embedding tables) and a ladder "
                + "of compressions (codebook k = 16, 4, 2; keep 50%%, 20%%, 5%%; low rank at 1/2, 1/4, 1/10 of the "
                + "break-even rank; k = 2 plus 1%% corrections), the validation loss and error of the model with only that weight directly "
                + "compressed. The validation split is carved from the training data, never the test set. Writes "
                + "sensitivity.json, sensitivity.md and sensitivity.png to the output folder.", "",
                "Example: tf-lc sensitivity --model ../shared/savedmodels/keras-mnist-cnn "
                        + "--data idx:../shared/data/mnist --split-train 8000 --scale 1 --out runs/cnn-sensitivity",
                ""})
public final class SensitivityCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "the SavedModel folder")
    private Path model;

    @Mixin
    private TrainingDataOptions data;

    @Option(names = "--out", required = true, description = "the output folder")
    private Path out;

    @Option(names = "--force", description = "replace the results of an earlier run in the output folder (only in "
            + "a folder tf-lc made)")
    private boolean force;

    @Mixin
    private TrustOption trust;

    @Override
    public Integer call() throws Exception {
        try (OutputFolder folder = OutputFolder.claim(out, io.tflc.lc.api.PlanRunner.inputs(model, data.paths()),
                "sensitivity --model " + model)) {
            if (!folder.isEmpty() && !force) {
                throw new FileAlreadyExistsException(out.toString(), null, "an earlier run wrote here; pass --force "
                        + "to replace its results, or choose another output");
            }
            try (TrainableModel m = SavedModelReader.read(model, "serving_default", null, null, trust.trust())) {
                measure(m, model, ValidationData.of(m, data), folder.path());
            }
        }
        return 0;
    }

    /**
     * Measures {@code m}'s sensitivity on {@code validation}, writes the three files to {@code folder} and prints
     * the table; {@code auto} runs it as its first stage.
     */
    static SensitivityReport measure(TrainableModel m, Path model, ValidationData validation, Path folder)
            throws IOException {
        System.err.println("sensitivity of " + model + ": validation split " + validation.described()
                + ", objective " + validation.objective().name());
        SensitivityReport report = Sensitivity.measure(m, validation.objective(), validation.measured(),
                new Progress(System.err));
        SensitivityFiles.write(report, folder, model.getFileName().toString(), validation.described());
        SensitivityChart.write(report, folder, model.getFileName().toString());
        System.out.print(SensitivityFiles.table(report));
        System.out.println("sensitivity: " + folder.resolve("sensitivity.md") + " (and .json, .png)");
        return report;
    }

    /** One line per weight: the harshest rung of each family and what it cost. */
    private static final class Progress implements Sensitivity.Listener {
        private final PrintStream out;
        private String measure;
        private Measured reference;

        Progress(PrintStream out) {
            this.out = out;
        }

        @Override
        public void referenceMeasured(Measured reference, String measure, int weights) {
            this.reference = reference;
            this.measure = measure;
            out.printf(Locale.ROOT, "reference: loss %.4f, %s; %d compressible weight(s)%n", reference.loss(),
                    EvaluateCommand.measures(reference.metrics()), weights);
        }

        @Override
        public void weightMeasured(int done, int count, WeightSensitivity weight, double seconds) {
            SensitivityReport one = new SensitivityReport("", measure, 0, reference, List.of(weight));
            String harshest = weight.trials().stream()
                    .collect(Collectors.groupingBy(t -> t.entry().family(), java.util.TreeMap::new,
                            Collectors.reducing((a, b) -> b)))
                    .values().stream().map(t -> t.orElseThrow())
                    .map(t -> String.format(Locale.ROOT, "%s %s", t.entry().spec(), change(one, t)))
                    .collect(Collectors.joining(", "));
            out.printf(Locale.ROOT, "[%d/%d] %s %s: %s (%.1f s)%n", done, count, weight.weight(),
                    weight.shape().stream().map(String::valueOf).collect(Collectors.joining("×")), harshest, seconds);
        }

        private static String change(SensitivityReport report, Trial trial) {
            double c = report.change(trial);
            return report.rate() ? String.format(Locale.ROOT, "%+.2f points", 100 * c)
                    : String.format(Locale.ROOT, "%+.4g %s", c, report.measure());
        }
    }
}
