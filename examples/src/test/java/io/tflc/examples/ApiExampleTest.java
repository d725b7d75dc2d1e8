package io.tflc.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.lc.algorithm.LcReport;
import io.tflc.lc.algorithm.LcRun;
import io.tflc.lc.api.CompressionResult;
import io.tflc.savedmodels.SavedModelReader;
import io.tflc.savedmodels.SharedFiles;
import io.tflc.savedmodels.TrainableModel;
import io.tflc.savedmodels.safety.ModelTrust;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 17, acceptance 1: the API example compresses the public Keras CNN (on a short schedule here) and exports it. */
class ApiExampleTest {

    @Test
    void compressesTheKerasCnnAndExportsIt(@TempDir Path dir) throws Exception {
        SharedFiles.require("savedmodels/keras-mnist-cnn");
        Path shared = SharedFiles.require("data/mnist").getParent().getParent();
        CompressionResult result = ApiExample.compress(shared, dir.resolve("run"), 2, new LcRun.Listener() { });
        LcReport report = result.report();
        assertEquals(4, report.rows().size(), "reference, DC and two LC steps");
        System.out.printf("api example: test error original %.2f%%, DC %.2f%%, exported %.2f%%; %.1f× smaller%n",
                100 * report.reference().testError(), 100 * report.directCompression().testError(),
                100 * report.exported().testError(), result.sizes().compressed().ratio(result.sizes().original()));
        // Two steps are far from the 30 that bring 2-bit kernels within half a point of the original (the shipped
        // plan's result); what they must do is export a model no worse than compressing the original directly.
        assertTrue(report.exported().testError() <= report.directCompression().testError() + 0.005,
                "the exported model is no worse than direct compression: " + report.exportedText());
        assertTrue(result.sizes().compressed().ratio(result.sizes().original()) > 4,
                "2-bit codebooks shrink the SavedModel: " + result.sizes());
        try (TrainableModel loaded = SavedModelReader.read(result.model(), "serving_default", null, null,
                ModelTrust.CHECK_OPS)) {
            var shape = loaded.output().shape();
            assertEquals(10, shape.get(shape.numDimensions() - 1), "the original signature's ten classes");
        }
    }
}
