package io.tflc.lc.cli;

import io.tflc.lc.algorithm.LcReport;
import io.tflc.lc.plan.Plan;
import io.tflc.lc.plan.PlanParser;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tf-lc compress --plan P.json}: runs the LC algorithm as the plan states. */
@Command(name = "compress", mixinStandardHelpOptions = true,
        description = "Compress a SavedModel with the LC algorithm as a plan file states; writes report.json, "
                + "report.md, report.png and model/ to the plan's output folder.")
public final class CompressCommand implements Callable<Integer> {

    @Option(names = "--plan", required = true, description = "the plan file (JSON)")
    private Path planFile;

    @Option(names = "--resume", description = "continue an interrupted run from its last checkpoint")
    private boolean resume;

    @Option(names = "--force", description = "start over, deleting the results of an earlier run in the output "
            + "folder (only in a folder tf-lc made)")
    private boolean force;

    @Mixin
    private TrustOption trust;

    @Override
    public Integer call() throws Exception {
        Plan plan = PlanParser.parse(planFile);
        System.out.println("plan " + planFile + " → " + plan.output());
        LcReport report = CompressJob.run(plan, PlanParser.fingerprint(planFile), planFile.getFileName().toString(),
                new CompressJob.Options(resume, force, trust.trust()), new ProgressListener(System.out)).report();
        System.out.println("report: " + plan.output().resolve("report.md"));
        System.out.printf(java.util.Locale.ROOT, "final: test error %.2f%% (reference %.2f%%, DC %.2f%%), ratio %.1f×%n",
                100 * report.finalRow().testError(), 100 * report.reference().testError(),
                100 * report.directCompression().testError(), report.finalRow().compressionRatio());
        return 0;
    }
}
