package io.tflc.lc.sensitivity;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.tflc.lc.report.ReportWriter;
import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler;

/**
 * Writes a {@link SensitivityReport} as {@code sensitivity.json}, {@code sensitivity.md} (one table row per weight
 * and compression, after the reference's) and {@code sensitivity.png} (per weight, the rise of the headline
 * measure under each compression), each under a temporary name moved into place ({@link ReportWriter#atomically}).
 */
public final class SensitivityFiles {
    public static final List<String> NAMES = List.of("sensitivity.json", "sensitivity.md", "sensitivity.png");

    /** Shades per family, mild to harsh, so that a family reads as one colour in the chart. */
    private static final Map<LadderEntry.Family, Color[]> SHADES = Map.of(
            LadderEntry.Family.CODEBOOK, new Color[] {new Color(158, 202, 225), new Color(66, 146, 198),
                    new Color(8, 69, 148)},
            LadderEntry.Family.PRUNING, new Color[] {new Color(253, 190, 133), new Color(253, 141, 60),
                    new Color(217, 71, 1)},
            LadderEntry.Family.LOW_RANK, new Color[] {new Color(161, 217, 155), new Color(65, 171, 93),
                    new Color(0, 109, 44)},
            LadderEntry.Family.COMBINED, new Color[] {new Color(117, 107, 177)});

    private SensitivityFiles() {
    }

    /**
     * Writes the three files into {@code folder}.
     *
     * @param title what was measured, e.g. the model's folder
     * @param validation how the validation split was made, e.g. "1,600 of 8,000 training examples (seed 1)"
     */
    public static void write(SensitivityReport report, Path folder, String title, String validation)
            throws IOException {
        Files.createDirectories(folder);
        ReportWriter.atomically(folder.resolve(NAMES.get(0)),
                json(report, title, validation).getBytes(StandardCharsets.UTF_8));
        ReportWriter.atomically(folder.resolve(NAMES.get(1)),
                markdown(report, title, validation).getBytes(StandardCharsets.UTF_8));
        ReportWriter.png(chart(report, title), folder.resolve(NAMES.get(2)));
    }

    static String json(SensitivityReport report, String title, String validation) {
        JsonObject root = new JsonObject();
        root.addProperty("title", title);
        root.addProperty("objective", report.objective());
        root.addProperty("measure", report.measure());
        root.addProperty("validation", validation);
        root.addProperty("validation_examples", report.validationExamples());
        JsonObject reference = measured(report.reference());
        reference.addProperty("bits", referenceBits(report));
        root.add("reference", reference);
        JsonArray weights = new JsonArray();
        for (WeightSensitivity w : report.weights()) {
            JsonObject weight = new JsonObject();
            weight.addProperty("name", w.weight());
            JsonArray shape = new JsonArray();
            w.shape().forEach(shape::add);
            weight.add("shape", shape);
            weight.addProperty("view", w.view());
            weight.addProperty("rows", w.rows());
            weight.addProperty("cols", w.cols());
            weight.addProperty("bits", w.referenceBits());
            weight.addProperty("flops", w.flops());
            JsonArray trials = new JsonArray();
            for (Trial t : w.trials()) {
                JsonObject trial = measured(t.measured());
                trial.addProperty("compression", t.entry().spec());
                trial.addProperty("family", t.entry().family().title());
                trial.addProperty("rung", t.entry().key());
                trial.addProperty("bits", t.bits());
                trial.addProperty("ratio", w.ratio(t));
                trial.addProperty("loss_change", report.lossChange(t));
                trial.addProperty(report.measure() + "_change", report.change(t));
                trials.add(trial);
            }
            weight.add("trials", trials);
            weights.add(weight);
        }
        root.add("weights", weights);
        return new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(root)
                + "\n";
    }

    private static JsonObject measured(Measured m) {
        JsonObject o = new JsonObject();
        o.addProperty("loss", m.loss());
        m.metrics().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> o.addProperty(e.getKey(), e.getValue()));
        return o;
    }

    /** The Markdown report: what was measured, then the table. */
    public static String markdown(SensitivityReport report, String title, String validation) {
        String measure = measureTitle(report);
        return "# Sensitivity: " + title + "\n\n"
                + String.format(Locale.ROOT, "Each row: the model with only that weight directly compressed "
                + "(Θ = Π(w), w := Δ(Θ)), every other weight as it is, measured on a validation split of %s "
                + "carved from the training data (never the test set); objective %s. Bits and ratio are the "
                + "weight's own against its 32-bit floats (the reference row: all the compressible weights).%n%n",
                validation, report.objective())
                + table(report, measure);
    }

    /** The table alone (what the command prints). */
    public static String table(SensitivityReport report) {
        return table(report, measureTitle(report));
    }

    private static String table(SensitivityReport report, String measure) {
        StringBuilder md = new StringBuilder();
        md.append("| weight | shape | compression | bits | ratio | validation loss | validation ").append(measure)
                .append(" | Δ loss | Δ ").append(measure).append(report.rate() ? " (points)" : "").append(" |\n");
        md.append("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        md.append(String.format(Locale.ROOT, "| (reference) | | none | %,d | 1.0× | %.4f | %s | | |%n",
                referenceBits(report), report.reference().loss(), value(report, report.reference())));
        for (WeightSensitivity w : report.weights()) {
            String shape = w.shape().stream().map(String::valueOf).collect(Collectors.joining("×"));
            for (Trial t : w.trials()) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %,d | %.1f× | %.4f | %s | %+.4f | %s |%n",
                        w.weight(), shape, t.entry().spec(), t.bits(), w.ratio(t), t.measured().loss(),
                        value(report, t.measured()), report.lossChange(t), change(report, report.change(t))));
            }
        }
        return md.toString();
    }

    private static String measureTitle(SensitivityReport report) {
        return report.measure().equals("mae") ? "MAE" : report.measure();
    }

    private static String value(SensitivityReport report, Measured m) {
        double v = report.headline(m);
        return report.rate() ? String.format(Locale.ROOT, "%.2f%%", 100 * v) : String.format(Locale.ROOT, "%.4g", v);
    }

    private static String change(SensitivityReport report, double change) {
        return report.rate() ? String.format(Locale.ROOT, "%+.2f", 100 * change)
                : String.format(Locale.ROOT, "%+.4g", change);
    }

    private static long referenceBits(SensitivityReport report) {
        return report.weights().stream().mapToLong(WeightSensitivity::referenceBits).sum();
    }

    /**
     * Bars grouped by weight, one per ladder rung (rungs a weight lacks, such as ranks that save nothing: none), on
     * a logarithmic axis: what decides a plan is the difference between a tenth of a point and a few points, which a
     * linear axis flattens next to a rung that ruins the model. Rises below {@link #floor} (and falls) are drawn at
     * the floor, as a stub.
     */
    static CategoryChart chart(SensitivityReport report, String title) {
        List<String> weights = report.weights().stream().map(WeightSensitivity::weight).toList();
        Map<String, LadderEntry> rungs = new LinkedHashMap<>();
        report.weights().forEach(w -> w.trials().forEach(t -> rungs.putIfAbsent(t.entry().key(), t.entry())));
        int width = Math.min(2400, Math.max(900, 200 + weights.size() * (rungs.size() * 14 + 40)));
        double scale = report.rate() ? 100 : 1;
        double floor = floor(report);
        String rise = String.format(Locale.ROOT, "validation %s increase%s (log scale; %s or less: the stub)",
                measureTitle(report), report.rate() ? " in points" : "", new java.math.BigDecimal(floor)
                        .round(new java.math.MathContext(2)).stripTrailingZeros().toPlainString());
        CategoryChart chart = new CategoryChartBuilder().width(width).height(600)
                .title("Sensitivity: " + title + " (only that weight compressed)").xAxisTitle("weight")
                .yAxisTitle(rise).build();
        chart.getStyler().setOverlapped(false);
        chart.getStyler().setYAxisLogarithmic(true);
        // Below the floor, so that a rung at the floor still shows as a stub rather than as nothing.
        chart.getStyler().setYAxisMin(floor / 3);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setXAxisLabelRotation(weights.size() > 6 ? 30 : 0);
        chart.getStyler().setPlotGridVerticalLinesVisible(false);
        Map<LadderEntry.Family, Integer> shade = new LinkedHashMap<>();
        for (LadderEntry rung : rungs.values()) {
            List<Double> values = new ArrayList<>();
            for (WeightSensitivity w : report.weights()) {
                Double v = null;
                for (Trial t : w.trials()) {
                    if (t.entry().key().equals(rung.key())) {
                        v = Math.max(floor, scale * report.change(t));
                    }
                }
                values.add(v);
            }
            CategorySeries series = chart.addSeries(rung.key(), weights, values);
            Color[] colours = SHADES.get(rung.family());
            series.setFillColor(colours[Math.min(shade.merge(rung.family(), 1, Integer::sum) - 1,
                    colours.length - 1)]);
        }
        return chart;
    }

    /**
     * The smallest rise the chart tells apart: a hundredth of a point of error, or a thousandth of the reference's
     * MAE (or loss).
     */
    private static double floor(SensitivityReport report) {
        return report.rate() ? 0.01 : Math.max(1e-6, 1e-3 * Math.abs(report.headline(report.reference())));
    }
}
