package io.tflc.lc.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.lc.algorithm.Row;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What an LC run's progress looks like in a log: plain lines, no terminal control codes. */
class ProgressListenerTest {

    @Test
    void progressOffATerminalIsPlainText() {
        List<String> progress = new ArrayList<>();
        ByteArrayOutputStream rows = new ByteArrayOutputStream();
        ProgressListener listener = new ProgressListener(new PrintStream(rows, true, StandardCharsets.UTF_8),
                () -> ProgressBars.plain(progress::add));

        listener.stepStarted(1, 2, 1e-3, 1, 50);
        for (int i = 0; i < 50; i++) {
            listener.batchFinished();
        }
        listener.row(new Row("lc", 1, 1e-3, 0.1, 0.5, 0.1, 0.6, 0.12, 1000, 32, List.of(), Double.NaN, Double.NaN,
                Double.NaN, Double.NaN));

        assertFalse(progress.isEmpty(), "a closed bar leaves its last state as a line");
        String all = String.join("\n", progress) + rows.toString(StandardCharsets.UTF_8);
        assertTrue(all.contains("LC step 1/2") && all.contains("50/50"), all);
        assertFalse(all.contains("\u001b"), "no ANSI escape: " + all.replace("\u001b", "<ESC>"));
        assertFalse(all.contains("\r"), "no carriage return: " + all.replace("\r", "<CR>"));
    }
}
