package io.tflc.lc.cli;

import io.tflc.lc.algorithm.LcReport;
import io.tflc.lc.algorithm.LcRun;
import io.tflc.lc.algorithm.Row;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Supplier;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/**
 * Shows an LC run: a progress bar over each L-step's minibatches (plain lines every few seconds when the output
 * is not a terminal) and one line per report row; when the run's report is written, draws {@code report.png}
 * beside it.
 */
public final class ProgressListener implements LcRun.Listener {
    private final PrintStream out;
    private final Supplier<ProgressBarBuilder> bars;
    private ProgressBar bar;

    public ProgressListener(PrintStream out) {
        this(out, ProgressBars::builder);
    }

    ProgressListener(PrintStream out, Supplier<ProgressBarBuilder> bars) {
        this.out = out;
        this.bars = bars;
    }

    @Override
    public void stepStarted(int step, int steps, double mu, int epochs, int batchesPerEpoch) {
        bar = bars.get().setTaskName(String.format(Locale.ROOT, "LC step %d/%d μ=%.3g", step, steps, mu))
                .setInitialMax((long) epochs * batchesPerEpoch).build();
    }

    @Override
    public void batchFinished() {
        if (bar != null) {
            bar.step();
        }
    }

    @Override
    public void reportWritten(LcReport report, Path folder, String title) throws IOException {
        ReportChart.write(report, folder, title);
    }

    @Override
    public void notice(String message) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        out.println(message);
    }

    @Override
    public void row(Row row) {
        if (bar != null) {
            bar.close();
            bar = null;
        }
        out.println(line(row));
    }

    static String line(Row row) {
        String what = switch (row.stage()) {
            case "reference" -> "reference         ";
            case "direct_compression" -> "direct compression";
            default -> String.format(Locale.ROOT, "LC step %-10d", row.step());
        };
        return String.format(Locale.ROOT, "%s  %-17s  train loss %.4f  %,12d bits  ratio %6.1f×", what,
                row.headlineText(), row.trainLoss(), row.bits(), row.compressionRatio());
    }
}
