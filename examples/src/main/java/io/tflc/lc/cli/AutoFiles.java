package io.tflc.lc.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.tflc.lc.auto.Choice;
import io.tflc.lc.auto.Goal;
import io.tflc.lc.report.ReportWriter;
import io.tflc.lc.sensitivity.SensitivityReport;
import io.tflc.savedmodels.SavedModelSize;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code auto.json} and {@code auto.md}: the budget, every round's choices and what the validation split and the
 * test set said of its export, and which round is the result.
 */
final class AutoFiles {
    private AutoFiles() {
    }

    static void write(Path folder, Path model, SensitivityReport report, double baseline, double budget,
                      double maxDrop, Goal goal, List<AutoCommand.Round> rounds, AutoCommand.Round result, boolean met)
            throws IOException {
        ReportWriter.atomically(folder.resolve("auto.json"), (new GsonBuilder().setPrettyPrinting()
                .serializeSpecialFloatingPointValues().create().toJson(json(model, report, baseline, budget,
                        maxDrop, goal, rounds, result, met)) + "\n").getBytes(StandardCharsets.UTF_8));
        ReportWriter.atomically(folder.resolve("auto.md"), markdown(model, report, baseline, budget, goal, rounds, result, met)
                .getBytes(StandardCharsets.UTF_8));
    }

    private static JsonObject json(Path model, SensitivityReport report, double baseline, double budget,
                                   double maxDrop, Goal goal, List<AutoCommand.Round> rounds,
                                   AutoCommand.Round result, boolean met) {
        JsonObject root = new JsonObject();
        root.addProperty("model", model.toString());
        root.addProperty("measure", report.measure());
        root.addProperty("max_drop", maxDrop);
        root.addProperty("budget", budget);
        root.addProperty("goal", goal.name().toLowerCase(Locale.ROOT));
        root.addProperty("recovery", AutoCommand.RECOVERY);
        root.addProperty("validation_examples", report.validationExamples());
        root.addProperty("validation_reference", report.headline(report.reference()));
        root.addProperty("baseline", baseline);
        root.addProperty("met", met);
        root.addProperty("result_round", result.number());
        JsonArray all = new JsonArray();
        for (AutoCommand.Round r : rounds) {
            JsonObject o = new JsonObject();
            o.addProperty("round", r.number());
            JsonObject choices = new JsonObject();
            r.allocation().choices().forEach(c -> choices.addProperty(c.weight().weight(), c.spec()));
            o.add("choices", choices);
            o.addProperty("predicted_dc_damage", r.allocation().predictedChange(report));
            o.addProperty("validation", r.validationHeadline());
            o.addProperty("validation_drop", r.drop());
            o.addProperty("test", r.summary().report().exported().headline());
            o.addProperty("test_reference", r.summary().report().reference().headline());
            o.addProperty("exported_step", r.summary().report().exportedStep());
            o.addProperty("bits_ratio", r.summary().report().exported().compressionRatio());
            o.addProperty("bytes_on_disk", r.summary().sizes().compressed().total());
            o.addProperty("disk_ratio", r.summary().sizes().compressed().ratio(r.summary().sizes().original()));
            o.addProperty("seconds", r.seconds());
            o.addProperty("folder", r.folder().toString());
            all.add(o);
        }
        root.add("rounds", all);
        return root;
    }

    private static String markdown(Path model, SensitivityReport report, double baseline, double budget, Goal goal,
                                   List<AutoCommand.Round> rounds, AutoCommand.Round result, boolean met) {
        StringBuilder md = new StringBuilder("# tf-lc auto: " + model.getFileName() + "\n\n");
        md.append(String.format(Locale.ROOT, "Budget: the exported model's %s on the validation split (%,d "
                + "held-out training examples, never trained on by LC) at most %s worse than the reference's on the "
                + "test set (%s; on the validation split, which it may have been trained on, %s); goal: %s. The "
                + "knapsack chose from the per-layer sensitivity (sensitivity/sensitivity.md) within %.0f× the budget "
                + "of summed direct-compression damage; each round after the first made the least robust layer "
                + "milder. **%s**: round %d is the result (model/, report.md, plan.json).%n%n", report.measure(),
                report.validationExamples(), AutoCommand.amount(report, budget), AutoCommand.value(report, baseline),
                AutoCommand.value(report, report.headline(report.reference())), goal.name().toLowerCase(Locale.ROOT),
                AutoCommand.RECOVERY, met ? "Budget met" : "Budget not met", result.number()));
        md.append("| round | choices | predicted DC damage | validation | drop | test (reference) | exported step "
                + "| ratio (bits) | bytes on disk | ratio (disk) | time |\n");
        md.append("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (AutoCommand.Round r : rounds) {
            SavedModelSize size = r.summary().sizes().compressed();
            md.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s (%s) | %d | %.1f× | %,d | %.1f× | "
                    + "%.0f s |%n", r.number(), choices(r.allocation().choices()),
                    AutoCommand.amount(report, r.allocation().predictedChange(report)),
                    AutoCommand.value(report, r.validationHeadline()), AutoCommand.amount(report, r.drop()),
                    headline(r.summary().report().exported().headline(), report.rate()),
                    headline(r.summary().report().reference().headline(), report.rate()),
                    r.summary().report().exportedStep(), r.summary().report().exported().compressionRatio(),
                    size.total(), size.ratio(r.summary().sizes().original()), r.seconds()));
        }
        return md.toString();
    }

    private static String choices(List<Choice> choices) {
        return String.join(", ", choices.stream().map(c -> "`" + c.weight().weight() + "` " + c.spec()).toList());
    }

    private static String headline(double value, boolean rate) {
        return rate ? String.format(Locale.ROOT, "%.2f%%", 100 * value) : String.format(Locale.ROOT, "%.4g", value);
    }
}
