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
        // The served model makes the predictions the report's exported row (the best nested step) counts.
        assertEquals(report.exported().testError(), servedError(exported, scaledTest()), 1e-9, "served error; the run:\n" + run.all());
    }

    /**
     * A graph with its batch size built in (a Reshape to [32, …]) trains and is measured in padded batches of 32
     * (3,000 and 7,000 examples: both sets end in a short batch); the padding is neither counted nor learnt, so the
     * served model's error on the test set is the report's. ID pruning, which needs other batch sizes, is refused.
     */
    @Test
    void aGraphThatTakesOneBatchSizeOnlyIsFedPaddedBatches(@TempDir Path dir) throws Exception {
        Path model = Tf1Models.write(dir.resolve("tf1"), 32, new int[] {28, 28, 1}, 10, false, 7);
        Path out = dir.resolve("k4");
        CliRun run = CliRun.of(new CompressCommand(), "--model", model.toString(), "--data", FASHION_TEST,
                "--split-train", Integer.toString(SPLIT), "--seed", "1", "--task", "re:.*kernel=codebook:4",
                "--steps", "3", "--out", out.toString());
        assertEquals(0, run.status(), run.all());
        assertTrue(run.output().contains("batches of exactly 32"), run.all());
        LcReport report = ReportWriter.read(out).report();
        assertTrue(report.finalRow().testError() < report.directCompression().testError(), run.all());
        assertEquals(report.exported().testError(), servedError(out.resolve("model"), scaledTest()), 1e-9,
                "served error; the run:\n" + run.all());
        // verify feeds the same padded batches: its accuracies are the report's (the last batch, 24 real rows of 32,
        // was read with the rows of 24 and the outputs of 32), and its latency is measured.
        io.tflc.lc.verify.Verification verified = io.tflc.lc.verify.Verifier.compare(model, out.resolve("model"),
                scaledTest(), 256, io.tflc.savedmodels.safety.ModelTrust.CHECK_OPS);
        assertEquals(1 - report.reference().testError(), verified.originalAccuracy(), 1e-9);
        assertEquals(1 - report.exported().testError(), verified.compressedAccuracy(), 1e-9);
        assertTrue(verified.originalMillisPerBatch() > 0 && verified.compressedMillisPerBatch() > 0);

        CliRun pruned = CliRun.of(new PruneIdCommand(), "--model", model.toString(), "--data", FASHION_TEST,
                "--split-train", Integer.toString(SPLIT), "--keep", "0.5", "--out", dir.resolve("pruned").toString());
        assertEquals(1, pruned.status(), pruned.all());
        assertTrue(pruned.error().contains("batches of exactly 32") && pruned.error().contains("free batch dimension"),
                pruned.all());
    }

    private static Dataset scaledTest() throws java.io.IOException {
        DataSpec scaled = new DataSpec(null, null, null, null,
                new DataSpec.Preprocess(1f / 255, null, null, false, null)); // as compress reads idx by default
        return DataSources.open(scaled, FASHION_TEST, null, null, SPLIT, 1, new int[] {28, 28, 1}).test();
    }

    private static double servedError(Path exported, Dataset test) {
        try (TrainableModel served = SavedModelReader.read(exported, "serving_default", null, null)) {
            int[] predicted = Predictions.of(served, test);
            int wrong = 0;
            for (int i = 0; i < predicted.length; i++) {
                wrong += predicted[i] == test.label(i) ? 0 : 1;
            }
            return (double) wrong / test.size();
        }
    }
}
