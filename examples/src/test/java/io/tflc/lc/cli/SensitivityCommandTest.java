package io.tflc.lc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tflc.lc.FashionMnist;
import io.tflc.lc.TestModels;
import io.tflc.lc.data.Datasets;
import io.tflc.lc.sensitivity.Ladder;
import io.tflc.savedmodels.ModelExporter;
import io.tflc.savedmodels.SharedFiles;
import io.tflc.savedmodels.TrainableModel;
import io.tflc.savedmodels.layers.LayerGraph;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorflow.Graph;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** Issue 16, item 3: {@code tf-lc sensitivity} through the command line, as {@code bin/tf-lc} runs it. */
class SensitivityCommandTest {
    private static final String FASHION = "idx:" + Datasets.FASHION_MNIST;

    @Test
    void writesTheThreeFilesAndPrintsTheTable(@TempDir Path dir) throws Exception {
        TestModels.trainAndSave(2, 32, FashionMnist.get().train().head(2000), 1, dir.resolve("mlp"));
        Path out = dir.resolve("sensitivity");
        CliRun run = CliRun.of(new SensitivityCommand(), "--model", dir.resolve("mlp").toString(), "--data", FASHION,
                "--split-train", "3000", "--validation", "600", "--out", out.toString());
        assertEquals(0, run.status(), run.all());
        System.out.print(run.output());
        assertTrue(run.output().contains("| (reference) | | none |") && run.output().contains("| dense/kernel | "
                + "784×32 | codebook:2 |"), run.all());

        JsonObject json = JsonParser.parseString(Files.readString(out.resolve("sensitivity.json"))).getAsJsonObject();
        assertEquals(600, json.get("validation_examples").getAsInt());
        assertEquals("error", json.get("measure").getAsString());
        JsonArray weights = json.getAsJsonArray("weights");
        assertEquals(List.of("dense/kernel", "dense_1/kernel"), weights.asList().stream()
                .map(w -> w.getAsJsonObject().get("name").getAsString()).toList());
        for (var w : weights) {
            JsonObject weight = w.getAsJsonObject();
            JsonArray trials = weight.getAsJsonArray("trials");
            assertEquals(Ladder.of(weight.get("rows").getAsInt(), weight.get("cols").getAsInt()).size(),
                    trials.size(), w.toString());
            for (var t : trials) {
                JsonObject trial = t.getAsJsonObject();
                assertEquals(trial.get("error").getAsDouble() - json.getAsJsonObject("reference").get("error")
                        .getAsDouble(), trial.get("error_change").getAsDouble(), 1e-12);
            }
        }
        String md = Files.readString(out.resolve("sensitivity.md"));
        assertTrue(md.startsWith("# Sensitivity: mlp") && md.contains("600 of 3,000 training examples (seed 1)")
                && md.contains("| dense_1/kernel | 32×10 | rank:1 |"), md);
        BufferedImage png = ImageIO.read(out.resolve("sensitivity.png").toFile());
        assertTrue(png.getWidth() >= 900 && png.getHeight() >= 600, "a chart");
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of(".tf-lc-output", "sensitivity.json", "sensitivity.md", "sensitivity.png"),
                    files.map(f -> f.getFileName().toString()).sorted().toList(), "the three files, nothing else");
        }

        CliRun again = CliRun.of(new SensitivityCommand(), "--model", dir.resolve("mlp").toString(), "--data",
                FASHION, "--split-train", "3000", "--validation", "600", "--out", out.toString());
        assertNotEquals(0, again.status());
        assertTrue(again.error().contains("--force"), again.all());
    }

    @Test
    void refusesBadInputWithTheReasonAndWritesNothing(@TempDir Path dir) throws Exception {
        TestModels.trainAndSave(2, 16, FashionMnist.get().train().head(500), 1, dir.resolve("mlp"));
        String model = dir.resolve("mlp").toString();
        Path out = dir.resolve("out");

        CliRun tooLarge = CliRun.of(new SensitivityCommand(), "--model", model, "--data", FASHION,
                "--split-train", "1000", "--validation", "1000", "--out", out.toString());
        assertTrue(tooLarge.status() != 0 && tooLarge.error().contains("validation split of 1000 examples")
                && tooLarge.error().contains("training set of 1000") && tooLarge.error().contains("--validation"),
                tooLarge.all());

        Path npy = Files.createDirectories(dir.resolve("npy"));
        try (INDArray features = Nd4j.create(new float[20 * 100], new long[] {20, 100});
             INDArray labels = Nd4j.createFromArray(new long[20])) {
            Nd4j.writeAsNumpy(features, npy.resolve("x.npy").toFile());
            Nd4j.writeAsNumpy(labels, npy.resolve("y.npy").toFile());
        }
        CliRun misfit = CliRun.of(new SensitivityCommand(), "--model", model, "--data", "npy:" + npy, "--out",
                out.toString());
        assertTrue(misfit.status() != 0 && misfit.error().contains("100") && misfit.error().contains("784"),
                misfit.all());

        LayerGraph layers = new LayerGraph(new Graph(), 3);
        Placeholder<TFloat32> input = layers.input(4, 4, 3);
        try (TrainableModel bnOnly = layers.build(input, layers.globalAveragePool(layers.batchNorm("bn", input)))) {
            ModelExporter.write(bnOnly, dir.resolve("bn"), false);
        }
        Path npy48 = Files.createDirectories(dir.resolve("npy48"));
        try (INDArray features = Nd4j.create(new float[20 * 48], new long[] {20, 4, 4, 3});
             INDArray labels = Nd4j.createFromArray(new long[20])) {
            Nd4j.writeAsNumpy(features, npy48.resolve("x.npy").toFile());
            Nd4j.writeAsNumpy(labels, npy48.resolve("y.npy").toFile());
        }
        CliRun nothing = CliRun.of(new SensitivityCommand(), "--model", dir.resolve("bn").toString(), "--data",
                "npy:" + npy48, "--out", out.toString());
        assertTrue(nothing.status() != 0 && nothing.error().contains("no compressible weight"), nothing.all());

        assertFalse(Files.exists(out), "nothing written");
    }

    /** A public Keras CNN (raw pixels 0..255, hence --scale 1) on 8,000 MNIST test images; skips without ../shared. */
    @Test
    void kerasMnistCnn(@TempDir Path dir) {
        Path model = SharedFiles.require("savedmodels/keras-mnist-cnn");
        Path mnist = SharedFiles.require("data/mnist");
        long start = System.nanoTime();
        CliRun run = CliRun.of(new SensitivityCommand(), "--model", model.toString(), "--data", "idx:" + mnist,
                "--split-train", "8000", "--scale", "1", "--out", dir.resolve("out").toString());
        assertEquals(0, run.status(), run.all());
        System.out.print(run.output());
        System.out.printf("keras-mnist-cnn sensitivity: %.1f s%n", (System.nanoTime() - start) / 1e9);
        JsonObject json;
        try {
            json = JsonParser.parseString(Files.readString(dir.resolve("out/sensitivity.json"))).getAsJsonObject();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertEquals(1600, json.get("validation_examples").getAsInt(), "20% of 8,000");
        assertTrue(json.getAsJsonObject("reference").get("error").getAsDouble() < 0.03, "the model as published");
        assertEquals(5, json.getAsJsonArray("weights").size(), "three convolution and two dense kernels");
    }

    /** A regression model is measured by its objective's MAE; skips without ../shared. */
    @Test
    void regressionIsMeasuredByMae(@TempDir Path dir) throws Exception {
        Path model = SharedFiles.require("savedmodels/keras-autompg-regression");
        Path csv = SharedFiles.require("data/auto-mpg/auto-mpg.csv");
        CliRun run = CliRun.of(new SensitivityCommand(), "--model", model.toString(), "--data", "csv:" + csv,
                "--label", "MPG", "--split-train", "313", "--loss", "mse", "--out", dir.resolve("out").toString());
        assertEquals(0, run.status(), run.all());
        System.out.print(run.output());
        assertTrue(run.output().contains("| validation MAE | Δ loss | Δ MAE |"), run.all());
        JsonObject json = JsonParser.parseString(Files.readString(dir.resolve("out/sensitivity.json")))
                .getAsJsonObject();
        assertEquals("mae", json.get("measure").getAsString());
        assertEquals(62, json.get("validation_examples").getAsInt(), "20% of 313");
        assertEquals(3, json.getAsJsonArray("weights").size(), "three dense kernels; the normalization's "
                + "statistics are not trainable");
    }
}
