package io.tflc.lc.sensitivity;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.tflc.lc.report.ReportWriter;
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

/**
 * Writes a {@link SensitivityReport} as {@code sensitivity.json}, {@code sensitivity.md} (one table row per weight
 * and compression, after the reference's) and {@code sensitivity.png} (per weight, the rise of the headline
 * measure under each compression), each under a temporary name moved into place ({@link ReportWriter#atomically}).
 */
public final class SensitivityFiles {
    public static final List<String> NAMES = List.of("sensitivity.json", "sensitivity.md");

    private SensitivityFiles() {
    }

    /**
     * Writes the two files into {@code folder}.
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
        return report.measureTitle();
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
}
