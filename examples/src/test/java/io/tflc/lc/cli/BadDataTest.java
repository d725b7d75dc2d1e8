package io.tflc.lc.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.savedmodels.HostileModels;
import io.tflc.savedmodels.SharedFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Issue 14, bad input through the command: data that does not fit the model stops the run before any training
 * with the file and the example named, and leaves no output folder behind. (Each source's own errors are tested in
 * the data package.)
 */
class BadDataTest {

    @Test
    void labelsOutsideTheOutputAreNamed(@TempDir Path dir) throws Exception {
        Path model = HostileModels.export(dir.resolve("model"));   // 784 → 10 classes
        Path data = Files.createDirectories(dir.resolve("npy"));
        float[] x = new float[6 * 784];
        try (INDArray features = Nd4j.create(x, new long[] {6, 784});
             INDArray labels = Nd4j.createFromArray(new long[] {0, 1, 2, 12, 4, 5})) {
            Nd4j.writeAsNumpy(features, data.resolve("x.npy").toFile());
            Nd4j.writeAsNumpy(labels, data.resolve("y.npy").toFile());
        }
        CliRun run = CliRun.of(new CompressCommand(), "--model", model.toString(), "--data", "npy:" + data,
                "--split-train", "4", "--task", "dense/kernel=codebook:2", "--out", dir.resolve("run").toString());
        assertNotEquals(0, run.status());
        assertTrue(run.error().contains("label 12") && run.error().contains("10 classes")
                && run.error().contains("npy:" + data), run.all());
        assertFalse(Files.exists(dir.resolve("run")), "nothing written");
    }

    @Test
    void aTableThatDoesNotFitTheInputIsNamed(@TempDir Path dir) throws Exception {
        Path model = HostileModels.export(dir.resolve("model"));
        Path csv = SharedFiles.require("data/auto-mpg/auto-mpg.csv");
        CliRun run = CliRun.of(new CompressCommand(), "--model", model.toString(), "--data", "csv:" + csv,
                "--label", "MPG", "--split-train", "300", "--task", "dense/kernel=codebook:2", "--out",
                dir.resolve("run").toString());
        assertNotEquals(0, run.status());
        assertTrue(run.error().contains(csv.toString()) && run.error().contains("9 feature columns")
                && run.error().contains("784"), run.all());
        assertFalse(Files.exists(dir.resolve("run")), "nothing written");
    }

    @Test
    void aRegressionModelNeedsItsObjectiveNamed(@TempDir Path dir) throws Exception {
        Path model = SharedFiles.require("savedmodels/keras-autompg-regression");
        Path csv = SharedFiles.require("data/auto-mpg/auto-mpg.csv");
        CliRun run = CliRun.of(new CompressCommand(), "--model", model.toString(), "--data", "csv:" + csv,
                "--label", "MPG", "--split-train", "300", "--task", "re:.*/kernel=codebook:2", "--out",
                dir.resolve("run").toString());
        assertNotEquals(0, run.status());
        assertTrue(run.error().contains("--loss mse"), run.all());
        assertFalse(Files.exists(dir.resolve("run")), "nothing written");
    }
}
