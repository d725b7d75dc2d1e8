package io.tflc.examples.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/**
 * {@code tf-lc bench csteps [JMH options]}: the C-step JMH suite; {@code tf-lc bench serving ORIGINAL COMPRESSED}:
 * per-batch inference latency of two SavedModels measured side by side, repeated.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run benchmarks. csteps: every C-step on LeNet300-sized weights and a 2048×2048 matrix "
                + "(further arguments go to JMH, e.g. -p weights=lenet300). serving ORIGINAL COMPRESSED: per-batch "
                + "latency of two SavedModels on Fashion-MNIST test images, side by side, 7 repetitions. lstep: a LeNet300 "
                + "epoch with the LC penalty vs plain training, side by side.")
public final class BenchCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "1", description = "suite: csteps, serving or lstep")
    private String suite;

    /** Everything after the suite goes to JMH untouched. */
    @Unmatched
    private List<String> jmhOptions = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (suite.equals("serving")) {
            return ServingBenchmark.run(jmhOptions);
        }
        if (suite.equals("lstep")) {
            return LStepBenchmark.run();
        }
        if (!suite.equals("csteps")) {
            System.err.println("unknown benchmark suite '" + suite + "'; suites: csteps, serving, lstep");
            return 2;
        }
        List<String> args = new ArrayList<>(jmhOptions);
        args.add(CStepBenchmark.class.getName());
        org.openjdk.jmh.Main.main(args.toArray(String[]::new));
        return 0;
    }
}
