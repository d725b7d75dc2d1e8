package io.tflc.lc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tflc.lc.FashionMnist;
import io.tflc.lc.TestModels;
import io.tflc.lc.data.Datasets;
import io.tflc.lc.evaluation.Evaluator;
import io.tflc.lc.data.BatchSource;
import io.tflc.lc.objective.SoftmaxCrossEntropy;
import io.tflc.savedmodels.SavedModelReader;
import io.tflc.savedmodels.SavedModelSize;
import io.tflc.savedmodels.TrainableModel;
import io.tflc.savedmodels.safety.ModelTrust;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 16, item 4: {@code tf-lc auto} end to end on a small Fashion-MNIST MLP, as {@code bin/tf-lc} runs it. */
class AutoCommandTest {
    private static final String FASHION = "idx:" + Datasets.FASHION_MNIST;

    @Test
    void choosesPerLayerRunsLcAndExportsARunFolderWithinTheBudget(@TempDir Path dir) throws Exception {
        TestModels.trainAndSave(2, 32, FashionMnist.get().train().head(2000), 1, dir.resolve("mlp"));
        Path out = dir.resolve("auto");
        CliRun run = CliRun.of(new AutoCommand(), "--model", dir.resolve("mlp").toString(), "--data", FASHION,
                "--split-train", "3000", "--validation", "600", "--max-drop", "3", "--steps", "4", "--max-rounds",
                "3", "--out", out.toString());
        System.out.print(run.output());
        assertEquals(0, run.status(), run.all());

        JsonObject auto = JsonParser.parseString(Files.readString(out.resolve("auto.json"))).getAsJsonObject();
        assertTrue(auto.get("met").getAsBoolean());
        JsonArray rounds = auto.getAsJsonArray("rounds");
        JsonObject last = rounds.get(rounds.size() - 1).getAsJsonObject();
        // Each round line gives the validation error's standard error on the 600 examples it was measured on.
        java.util.regex.Matcher line = java.util.regex.Pattern.compile("round \\d+: validation error ([0-9.]+)% ± "
                + "([0-9.]+) \\(one standard error on 600 examples\\)").matcher(run.output());
        int lines = 0;
        while (line.find()) {
            double p = Double.parseDouble(line.group(1)) / 100;
            assertEquals(100 * Math.sqrt(p * (1 - p) / 600), Double.parseDouble(line.group(2)), 0.006, line.group());
            lines++;
        }
        assertEquals(rounds.size(), lines, run.output());
        assertEquals(rounds.size(), auto.get("result_round").getAsInt(), "the first round within the budget ends it");
        assertTrue(last.get("validation_drop").getAsDouble() <= 0.03, last.toString());
        for (int r = 0; r < rounds.size() - 1; r++) {
            assertTrue(rounds.get(r).getAsJsonObject().get("validation_drop").getAsDouble() > 0.03,
                    "an earlier round ended only because it broke the budget");
        }

        // The plan that ran is the choice: one task per compressed weight, by its exact name.
        JsonObject plan = JsonParser.parseString(Files.readString(out.resolve("plan.json"))).getAsJsonObject();
        Set<String> planned = new HashSet<>();
        plan.getAsJsonArray("tasks").forEach(t -> planned.add(t.getAsJsonObject().get("weights").getAsString()));
        Set<String> chosen = new HashSet<>();
        last.getAsJsonObject("choices").entrySet().stream().filter(e -> !e.getValue().getAsString().equals("none"))
                .forEach(e -> chosen.add(e.getKey()));
        assertEquals(chosen, planned);
        assertTrue(!chosen.isEmpty(), "a budget of 3 points compresses something");
        assertEquals(600, plan.getAsJsonObject("data").get("validation").getAsInt(),
                "LC chooses its best step on the split the sensitivity was measured on");

        // A normal run folder: the export loads without tf-lc's help and is what auto.json says it is.
        for (String name : List.of("report.json", "report.md", "report.png", "model", "sensitivity/sensitivity.md",
                "sensitivity/sensitivity.png", "auto.md",
                "rounds/1/report.json")) {
            assertTrue(Files.exists(out.resolve(name)), name);
        }
        assertTrue(SavedModelSize.of(out.resolve("model")).total() < SavedModelSize.of(dir.resolve("mlp")).total(),
                "smaller on disk");
        try (TrainableModel exported = SavedModelReader.read(out.resolve("model"), "serving_default", null, null,
                ModelTrust.CHECK_OPS);
             BatchSource batches = FashionMnist.get().test().head(500).batchesFor(exported, 500)) {
            double error = new Evaluator(exported, new SoftmaxCrossEntropy()).evaluate(batches).error();
            assertTrue(error < 0.5, "the export classifies: " + error);
        }
        // What was chosen for the user is in the report: μ derived from the model, the default L-step.
        JsonObject report = JsonParser.parseString(Files.readString(out.resolve("report.json"))).getAsJsonObject();
        // Rounds are held against the reference on the test set (its figure on the validation split is biased when
        // it was trained on that data), the same figure the report's reference row shows.
        assertEquals(report.getAsJsonObject("reference").get("test_error").getAsDouble(),
                auto.get("baseline").getAsDouble(), 1e-12);
        assertTrue(auto.get("baseline").getAsDouble() != auto.get("validation_reference").getAsDouble());
        // Issue 18: every compress report serves the export beside the original (ratio and its range).
        JsonObject serving = report.getAsJsonObject("serving");
        double ratio = report.get("latency_ratio").getAsDouble();
        assertTrue(ratio > 0 && serving.get("latency_ratio_min").getAsDouble() <= ratio
                && ratio <= serving.get("latency_ratio_max").getAsDouble(), serving.toString());
        assertEquals(3, serving.get("repetitions").getAsInt());
        assertTrue(report.getAsJsonObject("schedule").get("derived").getAsBoolean());
        // The model was trained by SGD and saved by tf-lc, with no optimizer state: the default L-step is SGD, and
        // its learning rate 4× a rate the range test on the reference tries, 10⁻⁶·2^i.
        assertTrue(run.output().contains("L-step optimizer: sgd_nesterov (the SavedModel holds no optimizer's slots"),
                run.output());
        assertEquals("sgd_nesterov", report.getAsJsonObject("l_step").get("optimizer").getAsString());
        JsonObject lStep = report.getAsJsonObject("l_step");
        assertTrue(lStep.get("lr0_from_model").getAsBoolean());
        double steps = Math.log(lStep.get("lr0").getAsDouble() / 4e-6) / Math.log(2);
        assertEquals(Math.rint(steps), steps, 1e-9, lStep.toString());
        String reportMd = Files.readString(out.resolve("report.md"));
        assertTrue(reportMd.contains("over 4 steps (derived from the model; ") && reportMd.contains("L-step: "
                + "sgd_nesterov, learning rate ") && reportMd.contains("(lr0 from a range test on the reference)"),
                reportMd);
        String md = Files.readString(out.resolve("auto.md"));
        assertTrue(md.contains("Budget met") && md.contains("| 1 | `dense/kernel` "), md);
    }

    @Test
    void refusesOneSourceWithoutATestSet(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("d.csv");
        Files.writeString(csv, "a,b,label\n1,2,0\n3,4,1\n");
        CliRun run = CliRun.of(new AutoCommand(), "--model", dir.resolve("none").toString(), "--data",
                "csv:" + csv, "--label", "label", "--max-drop", "1", "--out", dir.resolve("out").toString());
        assertTrue(run.status() != 0 && run.error().contains("--split-train") && run.error().contains("--test-data"),
                run.all());
    }
}
