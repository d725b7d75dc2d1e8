package io.tflc.lc.plan;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.tflc.lc.algorithm.LStepSettings;
import io.tflc.lc.algorithm.MuSchedule;
import io.tflc.lc.data.DataSources;
import io.tflc.lc.data.DataSpec;
import io.tflc.lc.data.Datasets;
import io.tflc.lc.objective.Distillation;
import io.tflc.lc.objective.Objectives;
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
        return fingerprint(Files.readAllBytes(file));
    }

    /** A digest of a plan's text (a file's bytes, or the JSON a command line or the API made): SHA-256 in hex. */
    public static String fingerprint(byte[] plan) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(plan));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The {@code data} section (null: none, i.e. Fashion-MNIST at its Debian path). Legacy keys keep working:
     * {@code idx_dir} (an {@code idx:} source) and {@code scale} (a preprocessing scale); IDX data is scaled by 1/255
     * unless told otherwise, other sources by nothing; {@code inputScale} (the model's {@code input_scale}) wins.
     */
    private static Plan.Data data(Fields data, Path base, Float inputScale) {
        if (data == null) {
            return new Plan.Data("idx:" + Datasets.FASHION_MNIST, null, null, new DataSpec(null, null, null, null,
                    DataSpec.Preprocess.NONE.withScale(inputScale != null ? inputScale : 1f / 255)), 0, 0, 0, 0, false,
                    0, 0, Plan.Data.StreamCache.AUTO);
        }
        String source = data.has("source") ? resolve(data.string("source"), base, data.path("source"))
                : data.has("idx_dir") ? "idx:" + base.resolve(data.string("idx_dir")) : null;
        String train = data.has("train") ? resolve(data.string("train"), base, data.path("train")) : null;
        String test = data.has("test") ? resolve(data.string("test"), base, data.path("test")) : null;
        if ((train == null) != (test == null) || (train != null && source != null)) {
            throw new PlanException("data needs either one source (with a split, or idx:DIR) or both train and test");
        }
        if (source == null && train == null) {
            source = "idx:" + Datasets.FASHION_MNIST;
        }
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
        float scale = (float) data.number("scale", DataSources.defaultScale(source != null ? source : train));
        DataSpec.Preprocess preprocess = DataSpec.Preprocess.NONE.withScale(scale);
        if (data.has("preprocess")) {
            Fields p = new Fields(data.element("preprocess"), "data.preprocess");
            preprocess = new DataSpec.Preprocess((float) p.number("scale", scale), floats(p, "mean"),
                    floats(p, "std"), p.bool("per_image_standardization", false), ints(p, "resize"));
            p.finish();
        }
        if (inputScale != null) {
            preprocess = preprocess.withScale(inputScale);
        }
        DataSpec spec = new DataSpec(data.string("label", null), data.has("features") ? data.strings("features") : null,
                data.string("decode", null), data.has("classes") ? data.strings("classes") : null, preprocess);
        Plan.Data d = new Plan.Data(source, train, test, spec, data.integer("train_limit", 0),
                data.integer("test_limit", 0), splitTrain, splitSeed, data.bool("stream", false),
                data.integer("shuffle_buffer", 10_000), validation(data), streamCache(data));
        if (d.streamCache() == Plan.Data.StreamCache.ON && !d.stream()) {
            throw new PlanException("data.stream_cache caches what data.stream reads: set \"stream\": true too, or "
                    + "leave stream_cache out");
        }
        data.finish();
        return d;
    }

    /** {@code data.stream_cache}: true, false, or {@code "auto"} (the default). */
    private static Plan.Data.StreamCache streamCache(Fields data) {
        if (!data.has("stream_cache") || data.auto("stream_cache", "true (cache the parsed training records on disk "
                + "after the first pass), false (parse every pass) or \"auto\" (cache when the temporary folder has "
                + "room: the default)")) {
            return Plan.Data.StreamCache.AUTO;
        }
        return data.bool("stream_cache", false) ? Plan.Data.StreamCache.ON : Plan.Data.StreamCache.OFF;
    }

    /** {@code data.validation}: a count, or {@code "auto"} for the default size ({@link Plan.Data#AUTO_VALIDATION}). */
    private static int validation(Fields data) {
        if (data.auto("validation", "how many training examples are held out to choose the best nested model on (0: "
                + "none, the default), or \"auto\" for min(5,000, 20% of the training set)")) {
            return Plan.Data.AUTO_VALIDATION;
        }
        int v = data.integer("validation", 0);
        if (v < 0) {
            throw new PlanException(data.path("validation") + " is " + v + "; it is how many training examples are "
                    + "held out to choose the best nested model on: 0 (none, the default) or more, or \"auto\"");
        }
        return v;
    }

    /** {@code KIND:PATH} with PATH (each of a comma-separated list) made absolute against the plan's folder. */
    static String resolve(String source, Path base, String where) {
        int colon = source.indexOf(':');
        if (colon < 1) {
            throw new PlanException(where + " is '" + source + "'; a source is KIND:PATH, e.g. csv:data.csv, with KIND "
                    + "one of " + DataSources.KINDS);
        }
        if (DataSources.isNoise(source)) {
            return source; // a count, not a path
        }
        StringBuilder out = new StringBuilder(source.substring(0, colon + 1));
        String[] parts = source.substring(colon + 1).split(",");
        for (int i = 0; i < parts.length; i++) {
            out.append(i == 0 ? "" : ",").append(base.resolve(parts[i]));
        }
        return out.toString();
    }

    private static float[] floats(Fields f, String key) {
        if (!f.has(key)) {
            return null;
        }
        JsonArray a = f.array(key);
        float[] v = new float[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).getAsFloat();
        }
        return v;
    }

    private static int[] ints(Fields f, String key) {
        float[] v = floats(f, key);
        if (v == null) {
            return null;
        }
        int[] r = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = Math.round(v[i]);
        }
        return r;
    }

    /** A plan given as JSON rather than a file; relative paths in it are relative to {@code base}. */
    public static Plan parse(JsonElement root, Path base) {
        Fields plan = new Fields(root, "");
        Fields model = new Fields(plan.element("model"), "model");
        Plan.Model m = new Plan.Model(base.resolve(model.string("savedmodel")),
                model.string("signature", "serving_default"), model.string("input", null),
                model.string("output", null), model.has("input_scale") ? (float) model.number("input_scale") : null);
        model.finish();

        Plan.Data d = data(plan.has("data") ? new Fields(plan.element("data"), "data") : null, base,
                model.has("input_scale") ? (float) model.number("input_scale") : null);
        Plan.Loss loss = Plan.Loss.AUTO;
        if (plan.has("loss")) {
            JsonElement l = plan.element("loss");
            if (l.isJsonPrimitive()) {
                loss = new Plan.Loss(l.getAsString(), Distillation.DEFAULT_TEMPERATURE);
            } else {
                Fields f = new Fields(l, "loss");
                loss = new Plan.Loss(f.string("name"), f.number("temperature", Distillation.DEFAULT_TEMPERATURE));
                f.finish();
            }
            if (!Objectives.NAMES.contains(loss.name())) {
                throw new PlanException("loss is '" + loss.name() + "'; losses: " + String.join(", ", Objectives.NAMES));
            }
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
            int align = p.integer("align", 0);
            if (align < 0) {
                throw new PlanException("prune.align is " + align + "; it is the multiple unit counts are kept in (1: "
                        + "any count), or leave it out for the alignment measured on this machine");
            }
            prune = new Plan.Prune(method, keep ? p.number("keep") : Double.NaN,
                    flops ? p.number("flops_target") : Double.NaN, p.integer("pruning_images", 2000), align);
            p.finish();
        }

        List<TaskSpec> tasks = new ArrayList<>();
        int i = 0;
        for (JsonElement element : plan.array("tasks")) {
            String path = "tasks[" + i + "]";
            Fields task = new Fields(element, path);
            List<String> selectors = task.strings("weights");
            String view = task.string("view", null);
            if (view != null && !TaskSpec.VIEWS.contains(view)) {
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

        MuSchedule mu = MuSchedule.fromModel(Plan.DEFAULT_SCHEDULE.steps());
        if (plan.has("schedule")) {
            Fields schedule = new Fields(plan.element("schedule"), "schedule");
            try {
                if (!schedule.has("mu0") && !schedule.has("growth")) {
                    // Only the length is fixed (compress --steps N): μ0 and growth still come from the model.
                    mu = MuSchedule.fromModel(schedule.integer("steps", mu.steps()));
                } else {
                    MuSchedule fixed = Plan.DEFAULT_SCHEDULE;
                    mu = new MuSchedule(schedule.number("mu0", fixed.mu0()), schedule.number("growth", fixed.growth()),
                            schedule.integer("steps", fixed.steps()));
                }
            } catch (IllegalArgumentException e) {
                throw new PlanException("schedule: " + e.getMessage(), e);
            }
            schedule.finish();
        }

        LStepSettings settings = null;
        if (plan.has("l_step")) {
            Fields lstep = new Fields(plan.element("l_step"), "l_step");
            try {
                // The keys keep the defaults they had when l_step had to be spelt out, so that older plans still
                // mean the same run; a plan without l_step gets Plan.defaultLStep.
                int epochs = lstep.integer("epochs");
                String optimizer = lstep.string("optimizer", Optimizer.SGD_NESTEROV);
                // "lr0": "auto" asks for the range test (LearningRateRange) with this optimizer; until it has run
                // the optimizer's usual rate stands in.
                double usualLr0 = optimizer.equals(Optimizer.ADAM) ? 0.001 : 0.01;
                boolean lr0FromModel = lstep.auto("lr0", "the L-step's first learning rate, a number, or \"auto\" to "
                        + "measure it on the reference");
                settings = new LStepSettings(epochs, lstep.integer("first_epochs", epochs),
                        lstep.integer("batch_size", 128),
                        new Optimizer(optimizer, lstep.number("momentum", 0.9)),
                        lr0FromModel ? usualLr0 : lstep.number("lr0", usualLr0),
                        lstep.number("lr_decay", 1), lr0FromModel);
            } catch (IllegalArgumentException e) {
                throw new PlanException("l_step: " + e.getMessage(), e);
            }
            lstep.finish();
        }

        long seed = plan.integer("seed", 0);
        Path output = base.resolve(plan.string("output"));
        boolean foldBatchNorm = plan.bool("fold_batch_norm",
                tasks.stream().anyMatch(t -> t.form() == ModelExporter.Form.FACTORED));
        int align = plan.integer("align", 0);
        if (align < 0) {
            throw new PlanException("align is " + align + "; it is the multiple factored ranks are rounded up to (1: "
                    + "any rank), or leave it out for the alignment measured on this machine");
        }
        // Where the run goes, not what it computes: io.tflc.lc.distributed.Distribution reads them.
        if (plan.integer("workers", 1) < 1) {
            throw new PlanException("workers must be ≥ 1 (worker processes that share the L-step)");
        }
        plan.string("cluster", null);
        plan.finish();
        return new Plan(m, d, loss, prune, tasks, mu, settings, seed, output, foldBatchNorm, align);
    }
}
