package io.tflc.lc.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.lc.FashionMnist;
import io.tflc.lc.TestModels;
import io.tflc.lc.algorithm.LcReport;
import io.tflc.lc.algorithm.LcRun;
import io.tflc.lc.api.PlanRunner;
import io.tflc.lc.cli.VerifyCommand;
import io.tflc.lc.data.Dataset;
import io.tflc.lc.plan.PlanParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class VerifierTest {

    @Test
    void measuresBothModelsAndGatesOnBudgets(@TempDir Path dir) throws Exception {
        Dataset train = FashionMnist.get().train().head(4000);
        TestModels.trainAndSave(2, 32, train, 2, dir.resolve("reference"));
        Path plan = dir.resolve("plan.json");
        Files.writeString(plan, """
                {"model": {"savedmodel": "reference"}, "data": {"train_limit": 4000},
                 "tasks": [{"weights": "re:dense.*/kernel", "compression": {"type": "binary"}}],
                 "schedule": {"mu0": 1e-3, "growth": 1, "steps": 0}, "l_step": {"epochs": 1, "lr0": 0.01},
                 "output": "dc"}""");
        LcReport report = PlanRunner.run(PlanParser.parse(plan), PlanParser.fingerprint(plan), "dc",
                PlanRunner.Options.NEW,
                new LcRun.Listener() { }).report();

        Dataset test = FashionMnist.get().test();
        Verification v = Verifier.compare(dir.resolve("reference"), dir.resolve("dc/model"), test, 500,
                io.tflc.savedmodels.safety.ModelTrust.CHECK_OPS);
        assertEquals(10000, v.examples());
        assertEquals(1 - report.reference().testError(), v.originalAccuracy(), 1e-9);
        assertEquals(1 - report.directCompression().testError(), v.compressedAccuracy(), 1e-9);
        assertTrue(v.agreement() > 0 && v.agreement() < 1, "binary weights change some predictions: " + v.agreement());
        assertTrue(v.compressedSize().total() < v.originalSize().total());

        v.assertWithin(100, 0);
        AssertionError broken = assertThrows(AssertionError.class, () -> v.assertWithin(100, 1.0));
        assertTrue(broken.getMessage().contains("agreement"), broken.getMessage());

        String[] args = {"--original", dir.resolve("reference").toString(), "--compressed",
                dir.resolve("dc/model").toString(), "--min-agreement"};
        assertEquals(0, new CommandLine(new VerifyCommand()).execute(concat(args, "0.0")));
        assertEquals(1, new CommandLine(new VerifyCommand()).execute(concat(args, "0.9999")));
    }

    private static String[] concat(String[] args, String last) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = last;
        return all;
    }
}
