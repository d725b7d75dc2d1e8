package io.tflc.examples.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/** {@code tf-lc bench csteps [JMH options]}: runs a JMH benchmark suite in this class path. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run benchmarks. Suites: csteps (every C-step on LeNet300-sized weights and a 2048×2048 "
                + "matrix). Further arguments go to JMH, e.g. -p weights=lenet300 or -rf json -rff out.json.")
public final class BenchCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "1", description = "suite: csteps")
    private String suite;

    /** Everything after the suite goes to JMH untouched. */
    @Unmatched
    private List<String> jmhOptions = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (!suite.equals("csteps")) {
            System.err.println("unknown benchmark suite '" + suite + "'; suites: csteps");
            return 2;
        }
        List<String> args = new ArrayList<>(jmhOptions);
        args.add(CStepBenchmark.class.getName());
        org.openjdk.jmh.Main.main(args.toArray(String[]::new));
        return 0;
    }
}
