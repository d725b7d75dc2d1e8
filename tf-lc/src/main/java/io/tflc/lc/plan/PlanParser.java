package io.tflc.lc.plan;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.tflc.lc.algorithm.LStepSettings;
import io.tflc.lc.algorithm.MuSchedule;
import io.tflc.lc.data.Datasets;
import io.tflc.lc.lstep.Optimizer;
import io.tflc.savedmodels.ModelExporter;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads plan files (JSON). Unknown keys are errors that name the keys that exist. */
public final class PlanParser {
    private PlanParser() {
    }

    public static Plan parse(Path file) throws IOException {
        JsonElement root;
        try (Reader reader = Files.newBufferedReader(file)) {
            root = JsonParser.parseReader(reader);
        } catch (NoSuchFileException e) {
            throw new PlanException("no plan file at " + file);
        } catch (JsonParseException e) {
            throw new PlanException(file + " is not valid JSON: " + e.getMessage(), e);
        }
        Path base = file.toAbsolutePath().getParent();
        try {
            return parse(root, base);
        } catch (PlanException e) {
            throw new PlanException(file + ": " + e.getMessage(), e);
        }
    }

    /** A digest of the plan file's content: what a checkpoint must match to be resumed. */
    public static String fingerprint(Path file) throws IOException {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A plan given as JSON rather than a file; relative paths in it are relative to {@code base}. */
    public static Plan parse(JsonElement root, Path base) {
        Fields plan = new Fields(root, "");
        Fields model = new Fields(plan.element("model"), "model");
        Plan.Model m = new Plan.Model(base.resolve(model.string("savedmodel")),
                model.string("signature", "serving_default"), model.string("input", null),
                model.string("output", null), model.has("input_scale") ? (float) model.number("input_scale") : null);
        model.finish();

        Plan.Data d = new Plan.Data(Datasets.FASHION_MNIST, 1f / 255, 0, 0, 0, 0);
        if (plan.has("data")) {
            Fields data = new Fields(plan.element("data"), "data");
            int splitTrain = 0;
            long splitSeed = 0;
            if (data.has("split")) {
                Fields split = new Fields(data.element("split"), "data.split");
                splitTrain = split.integer("train");
                splitSeed = split.integer("seed", 0);
                split.finish();
                if (splitTrain < 1) {
                    throw new PlanException("data.split.train must be ≥ 1");
                }
            }
            d = new Plan.Data(data.has("idx_dir") ? base.resolve(data.string("idx_dir")) : Datasets.FASHION_MNIST,
                    (float) data.number("scale", 1.0 / 255), data.integer("train_limit", 0),
                    data.integer("test_limit", 0), splitTrain, splitSeed);
            data.finish();
        }

        Plan.Prune prune = null;
        if (plan.has("prune")) {
            Fields p = new Fields(plan.element("prune"), "prune");
            String method = p.string("method", "id");
            if (!method.equals("id") && !method.equals("magnitude")) {
                throw new PlanException("prune.method is '" + method + "'; methods: id, magnitude");
            }
            boolean keep = p.has("keep");
            boolean flops = p.has("flops_target");
            if (keep == flops) {
                throw new PlanException("prune needs exactly one of keep (share of units) and flops_target (share of "
                        + "FLOPs)");
            }
            prune = new Plan.Prune(method, keep ? p.number("keep") : Double.NaN,
                    flops ? p.number("flops_target") : Double.NaN, p.integer("pruning_images", 2000));
            p.finish();
        }

        List<TaskSpec> tasks = new ArrayList<>();
        int i = 0;
        for (JsonElement element : plan.array("tasks")) {
            String path = "tasks[" + i + "]";
            Fields task = new Fields(element, path);
            List<String> selectors = task.strings("weights");
            String view = task.string("view", "as_is");
            if (!TaskSpec.VIEWS.contains(view)) {
                throw new PlanException(task.path("view") + " is '" + view + "'; views: "
                        + String.join(", ", TaskSpec.VIEWS));
            }
            String form = task.string("form", "dense");
            if (!TaskSpec.FORMS.contains(form)) {
                throw new PlanException(task.path("form") + " is '" + form + "'; forms: "
                        + String.join(", ", TaskSpec.FORMS));
            }
            tasks.add(new TaskSpec(task.string("name", String.join("+", selectors)), selectors, view,
                    Compressions.parse(task.element("compression"), task.path("compression")),
                    form.equals("factored") ? ModelExporter.Form.FACTORED : ModelExporter.Form.DENSE));
            task.finish();
            i++;
        }
        if (tasks.isEmpty()) {
            throw new PlanException("tasks is empty: name at least one weight to compress");
        }

        Fields schedule = new Fields(plan.element("schedule"), "schedule");
        MuSchedule mu;
        try {
            mu = new MuSchedule(schedule.number("mu0"), schedule.number("growth"), schedule.integer("steps"));
        } catch (IllegalArgumentException e) {
            throw new PlanException("schedule: " + e.getMessage(), e);
        }
        schedule.finish();

        Fields lstep = new Fields(plan.element("l_step"), "l_step");
        LStepSettings settings;
        try {
            int epochs = lstep.integer("epochs");
            settings = new LStepSettings(epochs, lstep.integer("first_epochs", epochs), lstep.integer("batch_size", 128),
                    new Optimizer(lstep.string("optimizer", Optimizer.SGD_NESTEROV), lstep.number("momentum", 0.9)),
                    lstep.number("lr0"), lstep.number("lr_decay", 1));
        } catch (IllegalArgumentException e) {
            throw new PlanException("l_step: " + e.getMessage(), e);
        }
        lstep.finish();

        long seed = plan.integer("seed", 0);
        Path output = base.resolve(plan.string("output"));
        plan.finish();
        return new Plan(m, d, prune, tasks, mu, settings, seed, output);
    }
}
