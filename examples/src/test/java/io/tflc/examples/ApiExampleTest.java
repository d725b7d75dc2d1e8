package io.tflc.examples;

import static io.tflc.lc.junit.CompressedModelAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.lc.algorithm.LcReport;
import io.tflc.lc.algorithm.LcRun;
import io.tflc.lc.api.CompressionResult;
import io.tflc.lc.api.DataSource;
import io.tflc.savedmodels.SharedFiles;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17, acceptance 1: the API example compresses the public Keras CNN (on a short schedule here) and exports it;
 * item 3: the export is gated with {@link io.tflc.lc.junit.CompressedModelAssert}.
 */
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
        // A CI gate as a serving pipeline's tests would write it: the export against the original, served as a
        // pipeline serves them, on all 10,000 MNIST test images (the 8,000 trained on among them). The budgets are
        // two LC steps' (measured: 4.8 points, 93.7% agreement, 25× smaller); thirty keep the drop within half a point.
        var gate = assertThat(result.model()).comparedTo(shared.resolve("savedmodels/keras-mnist-cnn"))
                .on(DataSource.idx(shared.resolve("data/mnist")), 1f);
        System.out.println(gate.verification().summary());
        gate.accuracyDropAtMost(6).agreementAtLeast(0.9).smallerOnDiskBy(20);
    }
}
