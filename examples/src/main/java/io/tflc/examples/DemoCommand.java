package io.tflc.examples;

import io.tflc.lc.algorithm.LcReport;
import io.tflc.lc.api.PlanRunner;
import io.tflc.lc.cli.ProgressListener;
import io.tflc.lc.plan.Plan;
import io.tflc.lc.plan.PlanParser;
import io.tflc.savedmodels.safety.ModelTrust;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The main job on its shipped default: reuses (or trains) a LeNet300 reference on Fashion-MNIST, then runs the plan
 * {@code examples/plans/demo-lenet300-k2.json} (a 1-bit codebook per layer, short schedule).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Train (or reuse) a LeNet300 reference on Fashion-MNIST and compress it with LC, one 1-bit "
                + "codebook per layer; results in runs/demo-lenet300-k2/.")
public final class DemoCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        Path home = Path.of(System.getProperty("tflc.home", "."));
        Path planFile = home.resolve("examples/plans/demo-lenet300-k2.json");
        Plan plan = PlanParser.parse(planFile);
        if (!Files.exists(plan.model().savedModel().resolve("saved_model.pb"))) {
            System.out.println("training the LeNet300 reference (once; reused by later runs) → "
                    + plan.model().savedModel().normalize());
            int status = new CommandLine(new TrainReferenceCommand()).execute("--model", "lenet300", "--epochs", "15",
                    "--out", plan.model().savedModel().toString(), "--force");
            if (status != 0) {
                return status;
            }
        }
        LcReport report = PlanRunner.run(plan, PlanParser.fingerprint(planFile),
                "demo: LeNet300, 1-bit codebook per layer", new PlanRunner.Options(false, true, ModelTrust.CHECK_OPS),
                new ProgressListener(System.out)).report();
        System.out.printf(Locale.ROOT, "%nreference %.2f%% · direct compression %.2f%% · LC %.2f%% test error · "
                        + "%.1f× smaller (bits)%nexported: %s%nreports: %s%n", 100 * report.reference().testError(),
                100 * report.directCompression().testError(), 100 * report.exported().testError(),
                report.exported().compressionRatio(), report.exportedText(), plan.output().normalize().resolve("report.md"));
        return 0;
    }
}
