package io.tflc.lc.cli;

import io.tflc.lc.report.ReportWriter;
import java.io.IOException;
import java.nio.file.Path;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

/** Charts as PNG files, written whole or not at all, as the library writes its reports. */
public final class Charts {
    private Charts() {
    }

    /** Saves {@code chart} as a PNG at {@code target} (a temporary file moved into place). */
    public static void png(Chart<?, ?> chart, Path target) throws IOException {
        ReportWriter.atomically(target, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
    }
}
