package io.tflc.examples.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/**
 * {@code tf-lc bench SUITE}: each suite measures its figures side by side in one process and prints medians with
 * their range. Speed is measured here, never asserted in tests (the machines are shared and noisy).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Run a benchmark suite (each prints medians with their range):",
                "  csteps [JMH options]  every C-step, LeNet300-sized and 2048×2048 (JMH)",
                "  lstep [MODEL]         L-step epoch / plain epoch, and a TF profile",
                "  feed                  Java-fed minibatches / data held in the graph",
                "  stream [OPTIONS]      L-step streamed from ≥ 4 GB of TFRecords: resident",
                "                        memory; streamed epoch / in-memory epoch (--gigabytes G)",
                "  cstep-share           per scheme: C-step of an LC step / an L-step epoch",
                "  gflops [MODEL…]       L-step GFLOP/s / a 2048³ MatMul's GFLOP/s (lenet300, lenet5, resnet20, …)",
                "  serving [--threads N] A B  per-batch latency of SavedModels A and B",
                "  distributed           LeNet5 L-step examples/s on 1 and 2 loopback workers, step = compute",
                "                        + all-reduce",
                "  factors-matmul        a sparse-factors kernel served factored / decoded to dense"})
public final class BenchCommand implements Callable<Integer> {
    private static final List<String> SUITES = List.of("csteps", "lstep", "feed", "stream", "cstep-share", "gflops",
            "serving", "distributed", "factors-matmul");

    @Parameters(index = "0", arity = "1", description = "the suite: ${COMPLETION-CANDIDATES}",
            completionCandidates = Suites.class)
    private String suite;

    /** Everything after the suite goes to the suite (JMH options, serving's two folders, stream's options). */
    @Unmatched
    private List<String> arguments = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Path home = Path.of(System.getProperty("tflc.home", "."));
        switch (suite) {
            case "lstep":
                return LStepBenchmark.run(arguments.isEmpty() ? "lenet300" : arguments.get(0));
            case "feed":
                return FeedBenchmark.run();
            case "stream":
                return StreamBenchmark.run(arguments, home);
            case "cstep-share":
                return CStepShareBenchmark.run(home);
            case "gflops":
                return GflopsBenchmark.run(arguments);
            case "serving":
                return ServingBenchmark.run(arguments);
            case "distributed":
                return DistributedBenchmark.run();
            case "factors-matmul":
                return FactorsMatMulBenchmark.run();
            case "csteps":
                List<String> args = new ArrayList<>(arguments);
                args.add(CStepBenchmark.class.getName());
                org.openjdk.jmh.Main.main(args.toArray(String[]::new));
                return 0;
            default:
                System.err.println("unknown benchmark suite '" + suite + "'; suites: " + String.join(", ", SUITES));
                return 2;
        }
    }

    /** The suites, for the usage text. */
    static final class Suites extends ArrayList<String> {
        Suites() {
            super(SUITES);
        }
    }
}
