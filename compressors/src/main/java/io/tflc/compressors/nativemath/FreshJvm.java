package io.tflc.compressors.nativemath;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class in a new JVM on this JVM's class path. Native libraries choose their kernels once, when they
 * load, so seeing what another setting does (an {@code OPENBLAS_CORETYPE}, a load order, OpenBLAS's verbose start-up
 * line) takes another process.
 */
public final class FreshJvm {

    /**
     * @param finished false when the JVM was killed at the time limit
     * @param output its standard output and error, interleaved
     */
    public record Outcome(boolean finished, int exitCode, String output) {
    }

    private FreshJvm() {
    }

    /**
     * Runs {@code main} with {@code args} and waits at most {@code limit}.
     *
     * @param environment variables to set on top of this process's; a null value removes the variable
     */
    public static Outcome run(Class<?> main, Map<String, String> environment, Duration limit, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // Under Maven Surefire, java.class.path may name only its booter jar; this property has the real one.
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                main.getName()));
        command.addAll(List.of(args));
        // Output goes through a file: a pipe that nobody reads while we wait would fill and stall the child.
        Path log = Files.createTempFile("tf-lc-jvm", ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            environment.forEach((name, value) -> {
                if (value == null) {
                    builder.environment().remove(name);
                } else {
                    builder.environment().put(name, value);
                }
            });
            Process process = builder.start();
            boolean finished = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.destroyForcibly().waitFor();
            }
            return new Outcome(finished, process.exitValue(), Files.readString(log));
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
