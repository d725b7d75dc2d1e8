package io.tflc.lc.cli;

import com.google.gson.JsonObject;
import io.tflc.lc.data.DataSources;
import io.tflc.lc.data.DataSpec;
import io.tflc.lc.data.Dataset;
import io.tflc.lc.data.Datasets;
import io.tflc.lc.objective.Objectives;
import io.tflc.lc.plan.Plan;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The training data of the commands that measure before they compress ({@code sensitivity}, {@code auto}), as a
 * picocli mixin: the same options as the one-line {@code compress}, so that all three see the same training set and
 * carve the same validation split from it.
 */
public final class TrainingDataOptions {
    @Option(names = "--data", required = true, description = "KIND:PATH with KIND one of idx, csv, npy, images, "
            + "tfrecord, noise (a plain folder: idx)")
    String data;

    @Option(names = "--test-data", description = "a separate test source (KIND:PATH), as for compress; --data is "
            + "then the training data")
    String testData;

    @Option(names = "--label", description = "CSV: the label column; TFRecord: the label feature")
    String label;

    @Option(names = "--split-train", description = "the training data is this many (seeded) examples of --data "
            + "(of an idx folder's t10k set), as for compress")
    int splitTrain;

    @Option(names = "--seed", description = "seed of the split and of the validation split (default: "
            + "${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--scale", description = "multiply the features by this (default: 1/255 for idx, else 1)")
    Float scale;

    @Option(names = "--loss", description = "auto (default), softmax_cross_entropy, sigmoid_cross_entropy, mse, "
            + "mae, distill")
    String loss = Objectives.AUTO;

    @Option(names = "--validation", description = "examples in the validation split, carved from the training "
            + "data (default: the last min(5,000, 20%%) of a seeded permutation)")
    int validation;

    /** {@code --data} as {@code KIND:PATH}. */
    String source() {
        return DataSources.withKind(data);
    }

    /** What the data options read: a run's output must lie apart from these. */
    List<Path> paths() {
        List<Path> inputs = new ArrayList<>(DataSources.paths(source()));
        if (testData != null) {
            inputs.addAll(DataSources.paths(DataSources.withKind(testData)));
        }
        return inputs;
    }

    /** The training data the one-line compress with the same options trains on. */
    Dataset training(int[] exampleShape) throws IOException {
        Datasets sets = sets(exampleShape);
        if (sets.train() == null) {
            throw new IOException(source() + " holds no train-* IDX files: give --split-train N to take N examples "
                    + "of its t10k set as the training data, or a folder with train-* files");
        }
        return sets.train();
    }

    /** The test set the one-line compress with the same options reports on, or null when the options name none. */
    Dataset test(int[] exampleShape) throws IOException {
        return sets(exampleShape).test();
    }

    /** The sets loaded last, and for which example shape: training() and test() of one command read once. */
    private Datasets loaded;
    private int[] loadedShape;

    private Datasets sets(int[] exampleShape) throws IOException {
        if (loaded == null || !java.util.Arrays.equals(loadedShape, exampleShape)) {
            loaded = load(exampleShape);
            loadedShape = exampleShape.clone();
        }
        return loaded;
    }

    private Datasets load(int[] exampleShape) throws IOException {
        String source = source();
        float s = scale != null ? scale : DataSources.defaultScale(source);
        DataSpec spec = new DataSpec(label, null, null, null, DataSpec.Preprocess.NONE.withScale(s));
        if (testData == null && splitTrain == 0 && !source.startsWith("idx:")) {
            // Nothing here is a test set: the whole source is training data, of which a part validates.
            return new Datasets(DataSources.open(source, spec).load(exampleShape), null);
        }
        return testData == null
                ? DataSources.open(spec, source, null, null, splitTrain, seed, exampleShape)
                : DataSources.open(spec, null, source, DataSources.withKind(testData), splitTrain, seed, exampleShape);
    }

    /** The plan's {@code data} for these options, with a validation split of {@code validationSize} (0: none). */
    JsonObject planData(int validationSize) {
        return planData(source(), testData == null ? null : DataSources.withKind(testData), label, scale, false,
                validationSize, splitTrain, seed);
    }

    /**
     * A plan's {@code data} from command-line options ({@code validation}: a count, 0 for none, or
     * {@link Plan.Data#AUTO_VALIDATION}): {@code train} and {@code test} when a test source is given,
     * else {@code source} (split when {@code splitTrain} > 0).
     */
    static JsonObject planData(String source, String testSource, String label, Float scale, boolean stream,
                               int validation, int splitTrain, long seed) {
        JsonObject d = new JsonObject();
        if (testSource != null) {
            d.addProperty("train", source);
            d.addProperty("test", testSource);
        } else {
            d.addProperty("source", source);
        }
        if (label != null) {
            d.addProperty("label", label);
        }
        if (scale != null) {
            d.addProperty("scale", scale);
        }
        if (stream) {
            d.addProperty("stream", true);
        }
        if (validation == Plan.Data.AUTO_VALIDATION) {
            d.addProperty("validation", "auto");
        } else if (validation > 0) {
            d.addProperty("validation", validation);
        }
        if (splitTrain > 0) {
            JsonObject split = new JsonObject();
            split.addProperty("train", splitTrain);
            split.addProperty("seed", seed);
            d.add("split", split);
        }
        return d;
    }
}
