package io.tflc.lc.cli;

import picocli.CommandLine;

/** {@code tf-lc compress} as a main class, for tests that run it in a JVM of its own. */
public final class CompressMain {
    private CompressMain() {
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new CompressCommand()).execute(args));
    }
}
