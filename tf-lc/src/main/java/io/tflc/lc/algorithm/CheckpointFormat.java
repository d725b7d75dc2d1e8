package io.tflc.lc.algorithm;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.Theta;
import io.tflc.savedmodels.Folders;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The checkpoint folder, format version {@value #VERSION}:
 * <ul>
 *   <li>{@code checkpoint.json}, the manifest: {@code format} ("tf-lc checkpoint"), {@code version}, {@code
 *   fingerprint}, {@code completed_steps}, {@code tensors} (the folder of this checkpoint's arrays), {@code schedule}
 *   ({@code mu0}, {@code growth}, {@code steps}, {@code derived}), {@code learning_rate_factor}, {@code
 *   worse_in_a_row}, {@code last_criterion}, {@code lr0}, {@code mu_growths}, {@code rows} (as in {@code report.json}), {@code
 *   reference_predictions}, {@code model_variables} and {@code lstep_variables} (name → array), {@code
 *   direct_thetas}, {@code thetas} (see {@link ThetaJson}), {@code lambdas}, {@code best} ({@code step}, {@code
 *   criterion}, {@code thetas}, {@code other_weights}). Arrays are references to files ({@link CheckpointTensors}).
 *   NaN and infinities are written as the literals {@code NaN} and {@code Infinity}, which Python's json reads.</li>
 *   <li>{@code tensors-…/t<i>.npy}: the arrays, NumPy .npy v1, little-endian, C order.</li>
 * </ul>
 * The manifest is the commit point: a new checkpoint's arrays go to a new folder, then the manifest is written under a
 * temporary name and moved over the old one, and only then the old arrays are deleted. A crash or a full disk at any
 * point leaves the previous checkpoint whole.
 *
 * <p>Versions: the version rises whenever a field is added or changes meaning. A reader reads every version up to its
 * own, giving fields that an older version lacks the value they had before they existed ({@link #OPTIONAL}), and
 * refuses a later version, naming it.
 */
final class CheckpointFormat {
    static final int VERSION = 1;
    static final String MANIFEST = "checkpoint.json";
    private static final String FORMAT = "tf-lc checkpoint";
    /** What tf-lc up to 0.1.0 wrote (Java serialization, tied to one build). */
    private static final String JAVA_SERIALIZED = "checkpoint.bin";
    private static final String TENSORS_PREFIX = "tensors-";
    private static final String START_OVER = "start over with --force (without --resume), or choose another output";

    /**
     * Fields a reader defaults when the manifest lacks them, with the value they stand for: the state a run had before
     * the field existed.
     */
    static final Map<String, JsonElement> OPTIONAL = Map.of(
            "learning_rate_factor", JsonParser.parseString("1.0"),
            "worse_in_a_row", JsonParser.parseString("0"),
            "last_criterion", JsonParser.parseString("NaN"),
            "lr0", JsonParser.parseString("NaN"),
            "mu_growths", JsonParser.parseString("-1"));

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting()
            .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
            .serializeSpecialFloatingPointValues().create();

    private CheckpointFormat() {
    }

    static void write(Checkpoint c, Path folder, CheckpointTensors.Opener opener) throws IOException {
        Path arrays;
        try {
            Files.createDirectories(folder);
            arrays = Files.createTempDirectory(folder, TENSORS_PREFIX + c.completedSteps() + "-");
        } catch (IOException e) {
            throw new IOException("writing the checkpoint of LC step " + c.completedSteps() + " in " + folder
                    + " failed: could not create a folder for its arrays (" + e.getMessage() + "); the previous "
                    + "checkpoint there is kept", e);
        }
        Path manifest = folder.resolve(MANIFEST);
        Path tmp = null;
        boolean committed = false;
        try {
            CheckpointTensors tensors = new CheckpointTensors(arrays, opener);
            JsonObject json = manifest(c, tensors);
            tmp = Files.createTempFile(folder, ".checkpoint", ".json.tmp");
            try {
                try (OutputStream out = opener.open(tmp)) {
                    out.write(GSON.toJson(json).getBytes(StandardCharsets.UTF_8));
                }
                try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    channel.force(true);
                }
            } catch (IOException e) {
                throw new IOException("could not write the manifest (" + tmp + "): " + e.getMessage(), e);
            }
            Files.move(tmp, manifest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            // The rename reaches the disk before the arrays the old manifest named are deleted below: after a power
            // loss the manifest found is the new one, or the old one with its arrays still there.
            try (FileChannel dir = FileChannel.open(folder, StandardOpenOption.READ)) {
                dir.force(true);
            }
            committed = true;
        } catch (IOException e) {
            throw new IOException("writing the checkpoint of LC step " + c.completedSteps() + " in " + folder
                    + " failed: " + e.getMessage() + "; the previous checkpoint there is kept", e);
        } finally {
            if (tmp != null) {
                Files.deleteIfExists(tmp);
            }
            if (!committed) {
                Folders.deleteRecursively(arrays);
            }
        }
        // The new checkpoint stands; arrays of older ones that cannot be deleted now are tried again next time.
        try (DirectoryStream<Path> old = Files.newDirectoryStream(folder, TENSORS_PREFIX + "*")) {
            for (Path p : old) {
                if (!p.equals(arrays)) {
                    try {
                        Folders.deleteRecursively(p);
                    } catch (IOException e) {
                        org.slf4j.LoggerFactory.getLogger(CheckpointFormat.class).warn(
                                "could not delete an earlier checkpoint's arrays {}: {}", p, e.getMessage());
                    }
                }
            }
        }
    }

    /** The checkpoint in {@code folder}, or null when there is none. */
    static Checkpoint read(Path folder) throws IOException {
        Path manifest = folder.resolve(MANIFEST);
        if (!Files.exists(manifest)) {
            if (Files.exists(folder.resolve(JAVA_SERIALIZED))) {
                throw new IOException("the checkpoint in " + folder + " was written by an earlier tf-lc (Java "
                        + "serialization), which this tf-lc cannot resume: " + START_OVER);
            }
            return null;
        }
        JsonObject json;
        try {
            json = JsonParser.parseString(Files.readString(manifest, StandardCharsets.UTF_8)).getAsJsonObject();
        } catch (RuntimeException e) {
            throw damaged(folder, manifest + " is not a JSON object (" + e.getMessage() + ")", e);
        }
        int version;
        try {
            if (!FORMAT.equals(json.get("format").getAsString())) {
                throw new IllegalStateException("format is " + json.get("format"));
            }
            version = json.get("version").getAsInt();
        } catch (RuntimeException e) {
            throw damaged(folder, manifest + " does not start as a tf-lc checkpoint manifest (format, version)", e);
        }
        if (version > VERSION) {
            throw new IOException("the checkpoint in " + folder + " has format version " + version + ", written by a "
                    + "later tf-lc; this tf-lc reads versions up to " + VERSION + ": resume it with a tf-lc that "
                    + "reads version " + version + ", or " + START_OVER);
        }
        try {
            String arrays = text(json, "tensors");
            if (!arrays.startsWith(TENSORS_PREFIX) || arrays.contains("/") || arrays.contains("\\")) {
                throw new DamagedCheckpointException("its manifest names '" + arrays + "' as its arrays' folder");
            }
            return checkpoint(json, new CheckpointTensors(folder.resolve(arrays), null));
        } catch (DamagedCheckpointException e) {
            throw damaged(folder, e.getMessage(), e);
        } catch (RuntimeException e) {
            throw damaged(folder, "its manifest " + manifest + " does not hold what it should (" + e + ")", e);
        }
    }

    private static JsonObject manifest(Checkpoint c, CheckpointTensors tensors) throws IOException {
        JsonObject json = new JsonObject();
        json.addProperty("format", FORMAT);
        json.addProperty("version", VERSION);
        json.addProperty("fingerprint", c.fingerprint());
        json.addProperty("completed_steps", c.completedSteps());
        json.addProperty("tensors", tensors.name());
        JsonObject schedule = new JsonObject();
        schedule.addProperty("mu0", c.schedule().mu0());
        schedule.addProperty("growth", c.schedule().growth());
        schedule.addProperty("steps", c.schedule().steps());
        schedule.addProperty("derived", c.schedule().derived());
        json.add("schedule", schedule);
        json.addProperty("learning_rate_factor", c.learningRateFactor());
        json.addProperty("worse_in_a_row", c.worseInARow());
        json.addProperty("last_criterion", c.lastCriterion());
        json.addProperty("lr0", c.lr0());
        json.addProperty("mu_growths", c.muGrowths());
        json.add("rows", GSON.toJsonTree(c.rows()));
        if (c.referencePredictions() != null) {
            json.add("reference_predictions", tensors.write(c.referencePredictions(), "the reference's predictions"));
        }
        json.add("model_variables", variables(c.modelVariables(), tensors, "model variable "));
        json.add("lstep_variables", variables(c.lStepVariables(), tensors, "L-step variable "));
        json.add("direct_thetas", thetas(c.directThetas(), tensors, "direct compression's Θ of task "));
        json.add("thetas", thetas(c.thetas(), tensors, "Θ of task "));
        JsonArray lambdas = new JsonArray();
        for (int t = 0; t < c.lambdas().size(); t++) {
            lambdas.add(tensors.write(c.lambdas().get(t), "λ of task " + (t + 1)));
        }
        json.add("lambdas", lambdas);
        JsonObject best = new JsonObject();
        best.addProperty("step", c.best().step());
        best.addProperty("criterion", c.best().criterion());
        best.add("thetas", thetas(c.best().thetas(), tensors, "the best nested model's Θ of task "));
        best.add("other_weights", variables(c.best().otherWeights(), tensors, "the best nested model's variable "));
        json.add("best", best);
        return json;
    }

    private static Checkpoint checkpoint(JsonObject json, CheckpointTensors tensors) throws IOException {
        for (Map.Entry<String, JsonElement> field : OPTIONAL.entrySet()) {
            if (!json.has(field.getKey())) {
                json.add(field.getKey(), field.getValue());
            }
        }
        JsonObject schedule = object(json, "schedule");
        MuSchedule mu = new MuSchedule(number(schedule, "mu0"), number(schedule, "growth"),
                (int) number(schedule, "steps"), schedule.get("derived").getAsBoolean());
        List<Row> rows = new ArrayList<>();
        for (JsonElement row : required(json, "rows").getAsJsonArray()) {
            rows.add(GSON.fromJson(row, Row.class));
        }
        int[] predictions = json.has("reference_predictions")
                ? tensors.readInts(json.get("reference_predictions"), "the reference's predictions") : null;
        JsonArray lambdaRefs = required(json, "lambdas").getAsJsonArray();
        List<Matrix> lambdas = new ArrayList<>();
        for (int t = 0; t < lambdaRefs.size(); t++) {
            lambdas.add(tensors.readMatrix(lambdaRefs.get(t), "λ of task " + (t + 1)));
        }
        JsonObject best = object(json, "best");
        BestNested bestNested = new BestNested((int) number(best, "step"), number(best, "criterion"),
                thetas(best, "thetas", tensors, "the best nested model's Θ of task "),
                variables(object(best, "other_weights"), tensors, "the best nested model's variable "));
        return new Checkpoint(text(json, "fingerprint"), (int) number(json, "completed_steps"),
                variables(object(json, "model_variables"), tensors, "model variable "),
                variables(object(json, "lstep_variables"), tensors, "L-step variable "),
                thetas(json, "direct_thetas", tensors, "direct compression's Θ of task "),
                thetas(json, "thetas", tensors, "Θ of task "), lambdas, rows, predictions, bestNested,
                number(json, "learning_rate_factor"), (int) number(json, "worse_in_a_row"),
                number(json, "last_criterion"), mu, number(json, "lr0"), (int) number(json, "mu_growths"));
    }

    private static JsonObject variables(Map<String, float[]> values, CheckpointTensors tensors, String what)
            throws IOException {
        JsonObject json = new JsonObject();
        for (Map.Entry<String, float[]> e : values.entrySet()) {
            json.add(e.getKey(), tensors.write(e.getValue(), what + e.getKey()));
        }
        return json;
    }

    private static Map<String, float[]> variables(JsonObject json, CheckpointTensors tensors, String what)
            throws IOException {
        Map<String, float[]> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : json.entrySet()) {
            values.put(e.getKey(), tensors.readFloats(e.getValue(), what + e.getKey()));
        }
        return values;
    }

    private static JsonArray thetas(List<Theta> thetas, CheckpointTensors tensors, String what) throws IOException {
        JsonArray json = new JsonArray();
        for (int t = 0; t < thetas.size(); t++) {
            json.add(ThetaJson.write(thetas.get(t), tensors, what + (t + 1)));
        }
        return json;
    }

    private static List<Theta> thetas(JsonObject json, String key, CheckpointTensors tensors, String what)
            throws IOException {
        JsonArray array = required(json, key).getAsJsonArray();
        List<Theta> thetas = new ArrayList<>();
        for (int t = 0; t < array.size(); t++) {
            thetas.add(ThetaJson.read(array.get(t), tensors, what + (t + 1)));
        }
        return thetas;
    }

    private static JsonElement required(JsonObject json, String key) throws DamagedCheckpointException {
        JsonElement value = json.get(key);
        if (value == null || value.isJsonNull()) {
            throw new DamagedCheckpointException("the manifest lacks '" + key + "'");
        }
        return value;
    }

    private static JsonObject object(JsonObject json, String key) throws DamagedCheckpointException {
        return required(json, key).getAsJsonObject();
    }

    private static double number(JsonObject json, String key) throws DamagedCheckpointException {
        return required(json, key).getAsDouble();
    }

    private static String text(JsonObject json, String key) throws DamagedCheckpointException {
        return required(json, key).getAsString();
    }

    private static DamagedCheckpointException damaged(Path folder, String detail, Throwable cause) {
        return new DamagedCheckpointException("the checkpoint in " + folder + " is damaged and cannot be resumed: "
                + detail + "; " + START_OVER, cause);
    }

}
