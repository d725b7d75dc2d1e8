package io.tflc.lc.cli;

import java.util.function.Consumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress bars that redraw in place on a terminal, and are plain lines every few seconds otherwise: a log file or a
 * CI console shows no carriage returns and no ANSI colour codes, which the library's default style writes even when
 * its output is not a terminal.
 */
public final class ProgressBars {
    private static final int PLAIN_INTERVAL_MILLIS = 10_000;

    private ProgressBars() {
    }

    /** A builder for standard error, plain when {@link System#console()} says this is no terminal. */
    public static ProgressBarBuilder builder() {
        return System.console() == null ? plain(System.err::println) : new ProgressBarBuilder();
    }

    /** A builder whose bars are ASCII lines handed to {@code lines}. */
    static ProgressBarBuilder plain(Consumer<String> lines) {
        return new ProgressBarBuilder().setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new DelegatingProgressBarConsumer(lines)).setUpdateIntervalMillis(PLAIN_INTERVAL_MILLIS);
    }
}
