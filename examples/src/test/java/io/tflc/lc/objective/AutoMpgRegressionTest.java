package io.tflc.lc.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.lc.algorithm.LcReport;
import io.tflc.lc.algorithm.Row;
import io.tflc.lc.cli.CliRun;
import io.tflc.lc.cli.CompressCommand;
import io.tflc.lc.cli.VerifyCommand;
import io.tflc.lc.data.DataSources;
import io.tflc.lc.data.DataSpec;
import io.tflc.lc.data.Dataset;
import io.tflc.lc.report.ReportWriter;
import io.tflc.savedmodels.SharedFiles;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * Issue 14, acceptance 2: a public Keras regression model (Normalization → Dense 64 → Dense 64 → Dense 1) on the UCI
 * Auto MPG CSV, label MPG, seeded 80/20 split, squared error, from the one-line command: 2-bit codebooks on every
 * kernel keep the test MAE within 5% of the original model's, ℓ0 keeping 10% within 10%; the exported model gives
 * the reported MAE in plain TF Java.
 */
class AutoMpgRegressionTest {
    private static final int SPLIT = 313; // of 392 rows: 80%

    @Test
    void codebooksAndPruningKeepTheMae(@TempDir Path dir) throws Exception {
        Path model = SharedFiles.require("savedmodels/keras-autompg-regression");
        Path csv = SharedFiles.require("data/auto-mpg/auto-mpg.csv");
        LcReport k4 = compress(model, csv, "re:.*/kernel=codebook:4", dir.resolve("k4"));
        LcReport pruned = compress(model, csv, "re:.*/kernel=prune:0.1", dir.resolve("prune10"));
        double original = k4.reference().testMae();
        // What a user gets is the exported model: the best nested step by training loss (issue 16).
        System.out.printf(Locale.ROOT, "auto-mpg test MAE: original %.3f, codebook:4 %.3f (LC step %d; DC %.3f), "
                        + "prune:0.1 %.3f (LC step %d; DC %.3f)%n", original, k4.exported().testMae(),
                k4.exported().step(), k4.directCompression().testMae(), pruned.exported().testMae(),
                pruned.exported().step(), pruned.directCompression().testMae());
        assertTrue(Double.isNaN(k4.reference().testError()), "regression has no error rate");
        assertTrue(k4.exported().testMae() <= 1.05 * original, "codebook:4 MAE " + k4.exported().testMae());
        assertTrue(pruned.exported().testMae() <= 1.10 * original, "prune:0.1 MAE " + pruned.exported().testMae());
        assertTrue(k4.exported().compressionRatio() > 10, "2-bit kernels: " + k4.exported().compressionRatio());

        // The exported model, served by plain TF Java on the same split, gives the reported MAE.
        DataSpec spec = new DataSpec("MPG", null, null, null, DataSpec.Preprocess.NONE);
        Dataset test = DataSources.open(spec, "csv:" + csv.toAbsolutePath(), null, null, SPLIT, 1, new int[] {-1})
                .test();
        assertEquals(392 - SPLIT, test.size());
        double served = servedMae(dir.resolve("k4/model"), test);
        assertEquals(k4.exported().testMae(), served, 1e-4 * served, "served MAE");

        // verify, the CI gate, measures a regression model by its MAE (on all 392 rows here).
        CliRun verified = CliRun.of(new VerifyCommand(), "--original", model.toString(), "--compressed",
                dir.resolve("k4/model").toString(), "--data", "csv:" + csv, "--label", "MPG", "--loss", "mse",
                "--max-mae-increase",
                "0.1");
        assertEquals(0, verified.status(), verified.all());
        assertTrue(verified.output().contains("MAE") && verified.output().contains("within budget"), verified.all());
    }

    private static LcReport compress(Path model, Path csv, String task, Path out) throws Exception {
        CliRun run = CliRun.of(new CompressCommand(), "--model", model.toString(), "--data", "csv:" + csv,
                "--label", "MPG", "--split-train", Integer.toString(SPLIT), "--seed", "1", "--loss", "mse",
                "--task", task, "--out", out.toString());
        assertEquals(0, run.status(), run.all());
        assertTrue(run.output().contains("test MAE"), run.all());
        // The Keras model was saved with Adam's slots: the default L-step fine-tunes it with Adam (issue 16).
        assertTrue(run.output().contains("L-step optimizer: adam (the SavedModel holds the slots [m, v]"), run.all());
        return ReportWriter.read(out).report();
    }

    private static double servedMae(Path model, Dataset test) {
        try (SavedModelBundle bundle = SavedModelBundle.load(model.toString(), "serve");
             TFloat32 x = TFloat32.tensorOf(Shape.of(test.size(), test.exampleSize()),
                     DataBuffers.of(test.features(), true, false));
             Result r = bundle.function("serving_default").call(Map.<String, Tensor>of(
                     bundle.function("serving_default").signature().inputNames().iterator().next(), x))) {
            TFloat32 y = (TFloat32) r.get(0);
            double sum = 0;
            for (int i = 0; i < test.size(); i++) {
                sum += Math.abs(y.getFloat(i, 0) - test.target(i, 0));
            }
            return sum / test.size();
        }
    }
}
