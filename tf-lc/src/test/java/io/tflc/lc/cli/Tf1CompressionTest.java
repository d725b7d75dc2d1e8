package io.tflc.lc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.lc.algorithm.LcReport;
import io.tflc.lc.data.DataSources;
import io.tflc.lc.data.DataSpec;
import io.tflc.lc.data.Dataset;
import io.tflc.lc.evaluation.Predictions;
import io.tflc.lc.report.ReportWriter;
import io.tflc.savedmodels.SavedModelReader;
import io.tflc.savedmodels.Tf1Models;
import io.tflc.savedmodels.TrainableModel;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.SavedModelBundle;

/**
 * Issue 15: a TF1 SavedModel (reference variables, classic saver, v1 BatchNorm, a signature with batch 32 and
 * {@code classes}/{@code probabilities}) compresses by the one-line command as a Keras model does, and its export
 * serves with the original signature in plain TF Java.
 */
class Tf1CompressionTest {
    private static final String FASHION_TEST = "idx:/usr/share/datasets/fashion-mnist/t10k";
    private static final int SPLIT = 3000;

    @Test
    void compressesWithCodebooksOnEveryKernelAndServesTheOriginalSignature(@TempDir Path dir) throws Exception {
        Path model = Tf1Models.write(dir.resolve("tf1"), 32, new int[] {28, 28, 1}, 10, true, 7);
        Path out = dir.resolve("k4");
        CliRun run = CliRun.of(new CompressCommand(), "--model", model.toString(), "--data", FASHION_TEST,
                "--split-train", Integer.toString(SPLIT), "--seed", "1", "--task", "re:.*kernel=codebook:4",
                "--steps", "8", "--out", out.toString());
        assertEquals(0, run.status(), run.all());
        LcReport report = ReportWriter.read(out).report();
        double dc = report.directCompression().testError();
        double lc = report.finalRow().testError();
        System.out.printf("TF1 fixture on Fashion-MNIST: reference %.2f%%, DC %.2f%%, LC %.2f%%%n",
                100 * report.reference().testError(), 100 * dc, 100 * lc);
        assertTrue(lc < dc, "LC lowers the nested error from DC (" + dc + ") to the end (" + lc + ")");

        Path exported = out.resolve("model");
        try (SavedModelBundle bundle = SavedModelBundle.load(exported.toString(), "serve")) {
            var signature = bundle.metaGraphDef().getSignatureDefOrThrow("serving_default");
            assertEquals(Set.of("images"), signature.getInputsMap().keySet());
            assertEquals(Set.of("classes", "probabilities"), signature.getOutputsMap().keySet());
        }
        // The served model makes the predictions the report's final row counts.
        DataSpec scaled = new DataSpec(null, null, null, null,
                new DataSpec.Preprocess(1f / 255, null, null, false, null)); // as compress reads idx by default
        Dataset test = DataSources.open(scaled, FASHION_TEST, null, null, SPLIT, 1,
                new int[] {28, 28, 1}).test();
        try (TrainableModel served = SavedModelReader.read(exported, "serving_default", null, null)) {
            int[] predicted = Predictions.of(served, test);
            int wrong = 0;
            for (int i = 0; i < predicted.length; i++) {
                wrong += predicted[i] == test.label(i) ? 0 : 1;
            }
            assertEquals(lc, (double) wrong / test.size(), 1e-9, "served error; the run:\n" + run.all());
        }
    }

    @Test
    void aGraphThatTakesOneBatchSizeOnlyIsRefusedWithTheReason(@TempDir Path dir) {
        Path model = Tf1Models.write(dir.resolve("tf1"), 32, new int[] {28, 28, 1}, 10, false, 7);
        CliRun run = CliRun.of(new CompressCommand(), "--model", model.toString(), "--data", FASHION_TEST,
                "--split-train", Integer.toString(SPLIT), "--task", "re:.*kernel=codebook:4", "--steps", "1",
                "--out", dir.resolve("out").toString());
        assertEquals(1, run.status(), run.all());
        assertTrue(run.error().contains("batches of exactly 32") && run.error().contains("free batch dimension"),
                run.all());
    }
}
