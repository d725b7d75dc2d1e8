package io.tflc.lc.junit;

import static io.tflc.lc.junit.CompressedModelAssert.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.lc.FashionMnist;
import io.tflc.lc.TestModels;
import io.tflc.lc.algorithm.MuSchedule;
import io.tflc.lc.api.CompressionResult;
import io.tflc.lc.api.Compressions;
import io.tflc.lc.api.DataSource;
import io.tflc.lc.api.Lc;
import io.tflc.lc.data.Datasets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/** Issue 17, item 3: budgets that hold pass, a broken one fails naming itself and showing the measured table. */
class CompressedModelAssertTest {

    @Test
    void gatesOnTheMeasuredBudgets(@TempDir Path dir) throws Exception {
        TestModels.trainAndSave(2, 32, FashionMnist.get().train().head(3000), 1, dir.resolve("reference"));
        // Direct compression to signs: predictions change, so agreement is measurably below 1.
        CompressionResult dc = Lc.compress(dir.resolve("reference")).data(DataSource.idx(Datasets.FASHION_MNIST))
                .limits(3000, 500).validation(0).task("re:dense.*/kernel", Compressions.binary())
                .schedule(new MuSchedule(1e-3, 1, 0)).output(dir.resolve("dc")).run();

        CompressedModelAssert gate = assertThat(dc.model()).comparedTo(dir.resolve("reference"))
                .on(FashionMnist.get().test().head(2000));
        assertEquals(2000, gate.verification().examples());
        double drop = gate.verification().accuracyDropPoints();
        gate.accuracyDropAtMost(drop + 0.01).agreementAtLeast(0).smallerOnDiskBy(2).latencyRatioAtMost(1e6);

        AssertionFailedError agreement = assertThrows(AssertionFailedError.class, () -> gate.agreementAtLeast(1));
        assertTrue(agreement.getMessage().startsWith("the models agree on 0.")
                && agreement.getMessage().contains("at least 1.0000 is required")
                && agreement.getMessage().contains("accuracy            original")
                && agreement.getMessage().contains("bytes on disk"), agreement.getMessage());
        AssertionFailedError accuracy = assertThrows(AssertionFailedError.class,
                () -> gate.accuracyDropAtMost(drop - 0.01));
        assertTrue(accuracy.getMessage().contains("accuracy dropped"), accuracy.getMessage());
        assertThrows(AssertionFailedError.class, () -> gate.smallerOnDiskBy(1000));
        assertThrows(IllegalStateException.class, () -> gate.maeIncreaseAtMost(0.1), "a classifier has no MAE");
        assertThrows(IllegalStateException.class, () -> gate.batchSize(10), "the models have run already");
        assertThrows(IllegalStateException.class, () -> assertThat(dc.model()).agreementAtLeast(0.9));
    }
}
