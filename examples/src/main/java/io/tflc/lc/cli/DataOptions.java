package io.tflc.lc.cli;

import io.tflc.lc.data.DataSources;
import io.tflc.lc.data.DataSpec;
import io.tflc.lc.data.Datasets;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The data a command evaluates on, shared by the commands as a picocli mixin. */
public final class DataOptions {
    @Option(names = "--data", description = "KIND:PATH with KIND one of idx, csv, npy, images, tfrecord; a plain "
            + "folder is idx (default: Fashion-MNIST at ${DEFAULT-VALUE})")
    String data = Datasets.FASHION_MNIST.toString();

    @Option(names = "--label", description = "CSV: the label column; TFRecord: the label feature")
    String label;

    @Option(names = "--scale", description = "multiply the features by this (default: 1/255 for idx, else 1)")
    Float scale;

    /** {@code --data} as {@code KIND:PATH}. */
    String source() {
        return DataSources.withKind(data);
    }

    private DataSpec spec() {
        float s = scale != null ? scale : DataSources.defaultScale(source());
        return new DataSpec(label, null, null, null, DataSpec.Preprocess.NONE.withScale(s));
    }

    /**
     * The sets shaped for a model whose examples have {@code exampleShape}: an IDX folder's train and test sets,
     * or all the examples of another source as the test set (train null).
     */
    Datasets load(int[] exampleShape) throws IOException {
        if (source().startsWith("idx:")) {
            return DataSources.open(spec(), source(), null, null, 0, 0, exampleShape);
        }
        return new Datasets(null, DataSources.open(source(), spec()).load(exampleShape));
    }

    /** Where the data is read from (a run's output must lie apart from it). */
    java.util.List<Path> paths() {
        return DataSources.paths(source());
    }
}
