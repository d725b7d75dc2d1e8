package io.tflc.examples.experiments;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.tflc.lc.algorithm.Row;
import io.tflc.lc.report.ReportWriter;
import io.tflc.savedmodels.SavedModelSize;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The tables of one model's experiment: {@code table.md}, {@code table.json} and {@code chart.png} (test error
 * against compression ratio in bits, a DC and an LC point per scheme, the reference as a line). Each file is
 * written under a temporary name and moved into place, so a table is always whole, also mid-experiment.
 *
 * @param title the model and data
 * @param command the command that produced the table
 * @param date when it was produced (ISO date)
 * @param setup the schedule and data in words
 */
record ResultsTable(String title, String command, String date, String setup, List<SchemeResult> schemes) {
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting()
            .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
            .serializeSpecialFloatingPointValues().create();

    ResultsTable {
        schemes = List.copyOf(schemes);
    }

    void write(Path folder) throws IOException {
        Files.createDirectories(folder);
        ReportWriter.atomically(folder.resolve("table.md"), markdown().getBytes(StandardCharsets.UTF_8));
        ReportWriter.atomically(folder.resolve("table.json"), (json() + "\n").getBytes(StandardCharsets.UTF_8));
        if (!schemes.isEmpty()) {
            io.tflc.lc.cli.Charts.png(chart(), folder.resolve("chart.png"));
        }
    }

    String markdown() {
        StringBuilder md = new StringBuilder("# ").append(title).append("\n\n");
        md.append(String.format(Locale.ROOT, "`%s`, %s. %s%n%n", command, date, setup));
        if (schemes.isEmpty()) {
            return md.append("No scheme has finished yet.\n").toString();
        }
        SchemeResult first = schemes.get(0);
        md.append("| scheme | stage | test error | ratio (bits) | bytes on disk | ratio (disk) | Θ |\n")
                .append("| --- | --- | ---: | ---: | ---: | ---: | --- |\n")
                .append(line("reference", "", first.reference(), first.referenceBytes(), first.referenceBytes(), ""));
        for (SchemeResult s : schemes) {
            String dc = SchemeResult.detail(s.directCompression());
            String lc = SchemeResult.detail(s.lc());
            md.append(line(s.label(), "DC", s.directCompression(), s.directCompressionBytes(), s.referenceBytes(),
                    dc.equals(lc) ? "" : dc));
            md.append(line("", "LC", s.lc(), s.lcBytes(), s.referenceBytes(), lc));
        }
        return md.append("\nTest error of the nested (compressed) model; ratio (bits): 32 bits per reference weight "
                + "over the bits of Θ plus 32 per weight outside any task; bytes on disk: the exported SavedModel "
                + "folder (DC's Θ exported the same way); Θ: what each task stores (for DC only where it differs from LC)."
                + "\n").toString();
    }

    private static String line(String scheme, String stage, Row row, SavedModelSize bytes, SavedModelSize reference,
                               String detail) {
        return String.format(Locale.ROOT, "| %s | %s | %.2f%% | %.1f× | %,d | %.1f× | %s |%n", scheme, stage,
                100 * row.testError(), row.compressionRatio(), bytes.total(), bytes.ratio(reference), detail);
    }

    String json() {
        JsonObject root = new JsonObject();
        root.addProperty("title", title);
        root.addProperty("command", command);
        root.addProperty("date", date);
        root.addProperty("setup", setup);
        JsonArray list = new JsonArray();
        for (SchemeResult s : schemes) {
            JsonObject scheme = new JsonObject();
            scheme.addProperty("name", s.name());
            scheme.addProperty("label", s.label());
            scheme.add("reference", stage(s.reference(), s.referenceBytes(), s.referenceBytes()));
            scheme.add("direct_compression", stage(s.directCompression(), s.directCompressionBytes(),
                    s.referenceBytes()));
            scheme.add("lc", stage(s.lc(), s.lcBytes(), s.referenceBytes()));
            list.add(scheme);
        }
        root.add("schemes", list);
        return GSON.toJson(root);
    }

    private static JsonObject stage(Row row, SavedModelSize bytes, SavedModelSize reference) {
        JsonObject stage = new JsonObject();
        stage.addProperty("test_error", row.testError());
        stage.addProperty("test_loss", row.testLoss());
        stage.addProperty("train_error", row.trainError());
        stage.addProperty("bits", row.bits());
        stage.addProperty("ratio_bits", row.compressionRatio());
        stage.addProperty("bytes_on_disk", bytes.total());
        stage.addProperty("ratio_disk", bytes.ratio(reference));
        stage.add("tasks", GSON.toJsonTree(row.tasks()));
        return stage;
    }

    XYChart chart() {
        XYChart chart = new XYChartBuilder().width(1000).height(600).title(title)
                .xAxisTitle("compression ratio (bits, log scale)").yAxisTitle("test error (%)").build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
        Color[] palette = chart.getStyler().getSeriesColors();
        double maxRatio = 1;
        for (int i = 0; i < schemes.size(); i++) {
            SchemeResult s = schemes.get(i);
            Color color = palette[i % palette.length];
            point(chart, s.label() + " · LC", s.lc(), color, SeriesMarkers.CIRCLE);
            point(chart, s.label() + " · DC", s.directCompression(), color, SeriesMarkers.DIAMOND);
            maxRatio = Math.max(maxRatio, Math.max(s.lc().compressionRatio(), s.directCompression().compressionRatio()));
        }
        double reference = 100 * schemes.get(0).reference().testError();
        XYSeries line = chart.addSeries("reference", new double[] {1, maxRatio * 1.5},
                new double[] {reference, reference});
        line.setMarker(SeriesMarkers.NONE);
        line.setLineColor(Color.GRAY);
        line.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10,
                new float[] {6, 4}, 0));
        return chart;
    }

    private static void point(XYChart chart, String name, Row row, Color color,
                              org.knowm.xchart.style.markers.Marker marker) {
        XYSeries series = chart.addSeries(name, new double[] {row.compressionRatio()},
                new double[] {100 * row.testError()});
        series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        series.setMarker(marker);
        series.setMarkerColor(color);
    }
}
