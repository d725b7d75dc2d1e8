package io.tflc.examples;

import io.tflc.examples.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code bin/tf-lc}: the tf-lc command line with the example and benchmark commands. */
@Command(name = "tf-lc", mixinStandardHelpOptions = true, version = "tf-lc 0.1.0-SNAPSHOT",
        description = "Learning-Compression of TensorFlow SavedModels from Java.",
        subcommands = {DemoCommand.class, BenchCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
