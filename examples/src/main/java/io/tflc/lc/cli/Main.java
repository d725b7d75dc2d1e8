package io.tflc.lc.cli;

import io.tflc.examples.DemoCommand;
import io.tflc.examples.TrainReferenceCommand;
import io.tflc.examples.bench.BenchCommand;
import io.tflc.examples.experiments.ExperimentsCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Entry point of {@code bin/tf-lc}: the tf-lc command line, with the examples' commands (demo, reference models,
 * experiments, benchmarks) beside the library's.
 */
@Command(name = "tf-lc", mixinStandardHelpOptions = true, version = "tf-lc 0.1.0-SNAPSHOT",
        description = "Learning-Compression of TensorFlow SavedModels from Java.",
        subcommands = {DemoCommand.class, TrainReferenceCommand.class, CompressCommand.class, EvaluateCommand.class,
                InspectCommand.class, VerifyCommand.class, PruneIdCommand.class, SensitivityCommand.class, AutoCommand.class,
                ExperimentsCommand.class, BenchCommand.class, ChartCommand.class})
public final class Main implements Runnable {
    /** SLF4J's simple binding reads its level once, at the first logger: before any command runs. */
    private static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    // Read by main before parsing (the launcher reads it too, for TF's native log level); declared so that picocli
    // accepts it before or after the command and lists it in the help.
    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "show TensorFlow's and ND4J's INFO lines (hidden by default)")
    boolean verbose;

    public static void main(String[] args) {
        if (java.util.Arrays.asList(args).contains("--verbose")) {
            System.setProperty(LOG_LEVEL, "info");
        }
        CommandLine cli = new CommandLine(new Main());
        // Bad input (a plan, a model, data) ends with its message, not a stack trace.
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("tf-lc: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            if (System.getenv("TFLC_DEBUG") != null) {
                e.printStackTrace(commandLine.getErr());
            }
            return 1;
        });
        System.exit(cli.execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
