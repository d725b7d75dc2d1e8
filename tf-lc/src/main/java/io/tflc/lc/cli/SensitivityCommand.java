package io.tflc.lc.cli;

import io.tflc.lc.data.DataSources;
import io.tflc.lc.data.DataSpec;
import io.tflc.lc.data.Dataset;
import io.tflc.lc.data.Datasets;
import io.tflc.lc.objective.Distillation;
import io.tflc.lc.objective.Objective;
import io.tflc.lc.objective.Objectives;
import io.tflc.lc.sensitivity.Measured;
import io.tflc.lc.sensitivity.Sensitivity;
import io.tflc.lc.sensitivity.SensitivityFiles;
import io.tflc.lc.sensitivity.SensitivityReport;
import io.tflc.lc.sensitivity.Trial;
import io.tflc.lc.sensitivity.ValidationSplit;
import io.tflc.lc.sensitivity.WeightSensitivity;
import io.tflc.savedmodels.OutputFolder;
import io.tflc.savedmodels.SavedModelReader;
import io.tflc.savedmodels.TrainableModel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.ArrayList;
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
                + "of compressions (codebook k = 16, 4, 2; keep 50%, 20%, 5%; low rank at 1/2, 1/4, 1/10 of the "
                + "break-even rank), the validation loss and error of the model with only that weight directly "
                + "compressed. The validation split is carved from the training data, never the test set. Writes "
                + "sensitivity.json, sensitivity.md and sensitivity.png to the output folder.", "",
                "Example: tf-lc sensitivity --model ../shared/savedmodels/keras-mnist-cnn "
                        + "--data idx:../shared/data/mnist --split-train 8000 --scale 1 --out runs/cnn-sensitivity",
                ""})
public final class SensitivityCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "the SavedModel folder")
    private Path model;

    @Option(names = "--data", required = true, description = "KIND:PATH with KIND one of idx, csv, npy, images, "
            + "tfrecord, noise (a plain folder: idx); a lone source other than idx without --split-train is all "
            + "training data")
    private String data;

    @Option(names = "--test-data", description = "a separate test source (KIND:PATH), as for compress; it is "
            + "loaded to check it but never measured: --data is then the training data")
    private String testData;

    @Option(names = "--label", description = "CSV: the label column; TFRecord: the label feature")
    private String label;

    @Option(names = "--split-train", description = "the training data is this many (seeded) examples of --data "
            + "(of an idx folder's t10k set), as for compress")
    private int splitTrain;

    @Option(names = "--seed", description = "seed of the split and of the validation split (default: "
            + "${DEFAULT-VALUE})")
    private long seed = 1;

    @Option(names = "--scale", description = "multiply the features by this (default: 1/255 for idx, else 1)")
    private Float scale;

    @Option(names = "--loss", description = "auto (default), softmax_cross_entropy, sigmoid_cross_entropy, mse, "
            + "mae, distill")
    private String loss = Objectives.AUTO;

    @Option(names = "--validation", description = "examples in the validation split, carved from the training "
            + "data (default: the last min(5,000, 20%) of a seeded permutation)")
    private int validation;

    @Option(names = "--out", required = true, description = "the output folder")
    private Path out;

    @Option(names = "--force", description = "replace the results of an earlier run in the output folder (only in "
            + "a folder tf-lc made)")
    private boolean force;

    @Mixin
    private TrustOption trust;

    @Override
    public Integer call() throws Exception {
        String source = DataSources.withKind(data);
        List<Path> inputs = new ArrayList<>(DataSources.paths(source));
        if (testData != null) {
            inputs.addAll(DataSources.paths(DataSources.withKind(testData)));
        }
        try (OutputFolder folder = OutputFolder.claim(out, CompressJob.inputs(model, inputs),
                "sensitivity --model " + model)) {
            if (!folder.isEmpty() && !force) {
                throw new FileAlreadyExistsException(out.toString(), null, "an earlier run wrote here; pass --force "
                        + "to replace its results, or choose another output");
            }
            run(source, folder.path());
        }
        return 0;
    }

    private void run(String source, Path folder) throws IOException {
        try (TrainableModel m = SavedModelReader.read(model, "serving_default", null, null, trust.trust())) {
            Objective objective = Objectives.resolve(Objectives.forData(loss, source), m, Distillation.DEFAULT_TEMPERATURE);
            Dataset training = training(source, m.exampleShape());
            int outputs = objective.outputs(m);
            if (!(objective instanceof Distillation)) {
                objective.check(training, outputs, "the training data (" + source + ")");
            }
            ValidationSplit split = ValidationSplit.carve(training, validation, seed);
            Dataset measured = split.validation();
            if (objective instanceof Distillation distill) {
                // As compress measures its test set: against labels when they fit, else against the reference.
                if (distill.base().fits(measured, outputs)) {
                    objective = distill.base();
                } else {
                    measured = Objectives.teacherTargets(m, distill, measured);
                }
            }
            String described = String.format(Locale.ROOT, "%,d of %,d training examples (seed %d)", measured.size(),
                    training.size(), seed);
            System.err.println("sensitivity of " + model + ": validation split " + described + ", objective "
                    + objective.name());
            SensitivityReport report = Sensitivity.measure(m, objective, measured, new Progress(System.err));
            SensitivityFiles.write(report, folder, model.getFileName().toString(), described);
            System.out.print(SensitivityFiles.table(report));
            System.out.println("sensitivity: " + folder.resolve("sensitivity.md") + " (and .json, .png)");
        }
    }

    /** The training data the compress command with the same options would train on. */
    private Dataset training(String source, int[] exampleShape) throws IOException {
        float s = scale != null ? scale : DataSources.defaultScale(source);
        DataSpec spec = new DataSpec(label, null, null, null, DataSpec.Preprocess.NONE.withScale(s));
        if (testData == null && splitTrain == 0 && !source.startsWith("idx:")) {
            // Nothing here is a test set: the whole source is training data, of which a part validates.
            return DataSources.open(source, spec).load(exampleShape);
        }
        Datasets sets = testData == null
                ? DataSources.open(spec, source, null, null, splitTrain, seed, exampleShape)
                : DataSources.open(spec, null, source, DataSources.withKind(testData), splitTrain, seed, exampleShape);
        if (sets.train() == null) {
            throw new IOException(source + " holds no train-* IDX files: give --split-train N to take N examples of "
                    + "its t10k set as the training data, or a folder with train-* files");
        }
        return sets.train();
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
