package io.tflc.lc.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * One tf-lc command run in this JVM as {@code bin/tf-lc} runs it, with its exit status, what it printed and the
 * message it ended with (the launcher prints {@code tf-lc: <message>}).
 */
public record CliRun(int status, String output, String error) {

    public static CliRun of(Object command, String... args) {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        String[] error = {""};
        int status;
        try (PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            status = new CommandLine(command).setExecutionExceptionHandler((e, cli, parsed) -> {
                error[0] = String.valueOf(e.getMessage());
                return 1;
            }).execute(args);
        } finally {
            System.setOut(stdout);
        }
        return new CliRun(status, printed.toString(StandardCharsets.UTF_8), error[0]);
    }

    /** Output and error message together, for assertions and failure messages. */
    public String all() {
        return "status " + status + "\n" + output + "\n" + error;
    }
}
