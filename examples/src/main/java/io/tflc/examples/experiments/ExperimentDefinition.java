package io.tflc.examples.experiments;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.tflc.examples.ReferenceModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One model's experiment as {@code examples/experiments/<model>.json} states it: the reference model and its
 * training epochs, the LC schedule and L-step settings shared by all schemes, a shorter {@code quick} variant, and
 * the schemes, each a list of plan tasks. {@link #plan} turns a scheme into an ordinary plan file's content, so a
 * scheme can be re-run alone with {@code tf-lc compress --plan}.
 */
public record ExperimentDefinition(String model, String title, int referenceEpochs, JsonObject schedule,
                                   JsonObject lStep, long seed, Quick quick, List<Scheme> schemes, int trainLimit) {

    private static final Set<String> KEYS =
            Set.of("model", "title", "reference_epochs", "schedule", "l_step", "seed", "quick", "schemes");
    /**
     * Optional: {@code train_limit}, LC trains on the first N training images (the reference is trained on all),
     * for models whose epochs are long.
     */
    private static final String TRAIN_LIMIT = "train_limit";
    private static final Set<String> QUICK_KEYS =
            Set.of("reference_epochs", "train_limit", "test_limit", "schedule", "epochs");
    private static final Set<String> SCHEME_KEYS = Set.of("name", "label", "tasks");

    /** A compression scheme: a short name (its folder), a label for tables, and the plan's tasks. */
    public record Scheme(String name, String label, JsonArray tasks) {
    }

    /** The short variant: fewer reference epochs, the first examples only, its own schedule, epochs per step. */
    public record Quick(int referenceEpochs, int trainLimit, int testLimit, JsonObject schedule, int epochs) {
    }

    public static ExperimentDefinition read(Path file) throws IOException {
        JsonObject root;
        try {
            root = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        } catch (JsonParseException | IllegalStateException e) {
            throw new IOException(file + " is not a JSON object: " + e.getMessage(), e);
        }
        try {
            JsonObject required = root.deepCopy();
            required.remove(TRAIN_LIMIT);
            strict(required, KEYS, "");
            String model = root.get("model").getAsString();
            if (!ReferenceModels.NAMES.contains(model)) {
                throw new IllegalArgumentException("model '" + model + "' is not one of " + ReferenceModels.NAMES);
            }
            JsonObject q = root.getAsJsonObject("quick");
            strict(q, QUICK_KEYS, "quick.");
            Quick quick = new Quick(q.get("reference_epochs").getAsInt(), q.get("train_limit").getAsInt(),
                    q.get("test_limit").getAsInt(), q.getAsJsonObject("schedule"), q.get("epochs").getAsInt());
            List<Scheme> schemes = new ArrayList<>();
            for (JsonElement e : root.getAsJsonArray("schemes")) {
                JsonObject s = e.getAsJsonObject();
                strict(s, SCHEME_KEYS, "schemes[].");
                schemes.add(new Scheme(s.get("name").getAsString(), s.get("label").getAsString(),
                        s.getAsJsonArray("tasks")));
            }
            return new ExperimentDefinition(model, root.get("title").getAsString(),
                    root.get("reference_epochs").getAsInt(), root.getAsJsonObject("schedule"),
                    root.getAsJsonObject("l_step"), root.get("seed").getAsLong(), quick, List.copyOf(schemes),
                    root.has(TRAIN_LIMIT) ? root.get(TRAIN_LIMIT).getAsInt() : 0);
        } catch (ClassCastException | IllegalStateException | UnsupportedOperationException e) {
            throw new IOException(file + ": a value has the wrong type (" + e.getMessage() + "); keys: "
                    + KEYS + ", quick: " + QUICK_KEYS + ", schemes[]: " + SCHEME_KEYS, e);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The plan of {@code scheme} on the reference at {@code reference}, writing to {@code output}; with
     * {@code quick}, on the first examples only with the quick schedule and epochs.
     */
    public JsonObject plan(Scheme scheme, Path reference, Path output, boolean quick) {
        JsonObject plan = new JsonObject();
        JsonObject modelSpec = new JsonObject();
        modelSpec.addProperty("savedmodel", reference.toAbsolutePath().normalize().toString());
        plan.add("model", modelSpec);
        JsonObject lStepSpec = lStep.deepCopy();
        if (quick) {
            JsonObject data = new JsonObject();
            data.addProperty("train_limit", this.quick.trainLimit());
            data.addProperty("test_limit", this.quick.testLimit());
            plan.add("data", data);
            lStepSpec.addProperty("epochs", this.quick.epochs());
            lStepSpec.addProperty("first_epochs", this.quick.epochs());
        } else if (trainLimit > 0) {
            JsonObject data = new JsonObject();
            data.addProperty("train_limit", trainLimit);
            plan.add("data", data);
        }
        plan.add("tasks", scheme.tasks().deepCopy());
        plan.add("schedule", (quick ? this.quick.schedule() : schedule).deepCopy());
        plan.add("l_step", lStepSpec);
        plan.addProperty("seed", seed);
        plan.addProperty("output", output.toAbsolutePath().normalize().toString());
        return plan;
    }

    private static void strict(JsonObject object, Set<String> keys, String prefix) {
        for (String key : object.keySet()) {
            if (!keys.contains(key)) {
                throw new IllegalArgumentException("unknown key '" + prefix + key + "'; keys: " + keys);
            }
        }
        for (String key : keys) {
            if (!object.has(key)) {
                throw new IllegalArgumentException("missing key '" + prefix + key + "'");
            }
        }
    }
}
