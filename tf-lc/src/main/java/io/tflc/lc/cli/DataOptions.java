package io.tflc.lc.cli;

import io.tflc.lc.data.Datasets;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The labelled IDX data a command evaluates on, shared by the commands as a picocli mixin. */
public final class DataOptions {
    @Option(names = "--data", description = "IDX folder (default: Fashion-MNIST at ${DEFAULT-VALUE})")
    Path data = Datasets.FASHION_MNIST;

    @Option(names = "--scale", description = "factor for pixel values 0..255 (default: ${DEFAULT-VALUE})")
    float scale = 1f / 255;

    /** The IDX sets shaped for a model whose examples have {@code exampleShape}. */
    Datasets load(int[] exampleShape) throws java.io.IOException {
        return Datasets.loadMnistLayout(data, scale, exampleShape);
    }

    Path folder() {
        return data;
    }
}
