package io.tflc.lc.plan;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Strict reading of one JSON object of a plan: every key read is remembered, and {@link #finish()} rejects the
 * keys nobody read, naming the keys that exist. Errors carry the path, e.g. {@code tasks[1].compression.k}.
 */
final class Fields {
    private final JsonObject object;
    private final String path;
    private final Set<String> known = new LinkedHashSet<>();

    Fields(JsonElement element, String path) {
        if (element == null || !element.isJsonObject()) {
            throw new PlanException(path + " must be a JSON object");
        }
        this.object = element.getAsJsonObject();
        this.path = path;
    }

    String path(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
        known.add(key);
        return object.has(key) && !object.get(key).isJsonNull();
    }

    JsonElement element(String key) {
        known.add(key);
        JsonElement e = object.get(key);
        if (e == null || e.isJsonNull()) {
            throw new PlanException("missing key " + path(key) + misspellings(key));
        }
        return e;
    }

    /**
     * The keys present but not (yet) read that look like {@code key}: a typo'd required key would otherwise only be
     * reported as missing, and as unknown only after the user had added the key the message asked for.
     */
    private String misspellings(String key) {
        List<String> alike = object.keySet().stream()
                .filter(k -> !known.contains(k) && alike(k.toLowerCase(Locale.ROOT), key.toLowerCase(Locale.ROOT)))
                .map(this::path).toList();
        return alike.isEmpty() ? "" : "; unknown key " + String.join(", ", alike) + " here (misspelled " + key + "?)";
    }

    private static boolean alike(String a, String b) {
        if (a.startsWith(b) || b.startsWith(a)) {
            return true;
        }
        // Levenshtein distance, up to 2 edits (1 for keys of up to 3 letters, where 2 would match most others).
        int limit = Math.min(a.length(), b.length()) <= 3 ? 1 : 2;
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()] <= limit;
    }

    String string(String key) {
        JsonElement e = element(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new PlanException(path(key) + " must be a string");
        }
        return e.getAsString();
    }

    /**
     * Whether {@code key} holds the string {@code "auto"} (tf-lc is to choose the value); false when it is absent or
     * not a string, for the caller to read as a number or boolean. Any other string is refused with
     * {@code meaning}: what the key is, its values and what "auto" does.
     */
    boolean auto(String key, String meaning) {
        if (!has(key) || !object.get(key).isJsonPrimitive() || !object.get(key).getAsJsonPrimitive().isString()) {
            return false;
        }
        if (!string(key).equals("auto")) {
            throw new PlanException(path(key) + " is '" + string(key) + "'; it is " + meaning);
        }
        return true;
    }

    String string(String key, String fallback) {
        return has(key) ? string(key) : fallback;
    }

    double number(String key) {
        JsonElement e = element(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new PlanException(path(key) + " must be a number");
        }
        return e.getAsDouble();
    }

    double number(String key, double fallback) {
        return has(key) ? number(key) : fallback;
    }

    int integer(String key) {
        double v = number(key);
        if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
            throw new PlanException(path(key) + " must be a whole number, got " + v);
        }
        return (int) v;
    }

    int integer(String key, int fallback) {
        return has(key) ? integer(key) : fallback;
    }

    boolean bool(String key, boolean fallback) {
        if (!has(key)) {
            return fallback;
        }
        JsonElement e = element(key);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw new PlanException(path(key) + " must be true or false");
        }
        return e.getAsBoolean();
    }

    /** A string or a list of strings. */
    List<String> strings(String key) {
        JsonElement e = element(key);
        List<String> out = new ArrayList<>();
        if (e.isJsonPrimitive()) {
            out.add(e.getAsString());
        } else if (e.isJsonArray()) {
            for (JsonElement item : e.getAsJsonArray()) {
                if (!(item instanceof JsonPrimitive p) || !p.isString()) {
                    throw new PlanException(path(key) + " must hold strings");
                }
                out.add(item.getAsString());
            }
        } else {
            throw new PlanException(path(key) + " must be a string or a list of strings");
        }
        return out;
    }

    JsonArray array(String key) {
        JsonElement e = element(key);
        if (!e.isJsonArray()) {
            throw new PlanException(path(key) + " must be a list");
        }
        return e.getAsJsonArray();
    }

    /** Rejects keys that were never read. */
    void finish() {
        for (String key : object.keySet()) {
            if (!known.contains(key)) {
                throw new PlanException("unknown key " + path(key) + "; keys here: " + new TreeSet<>(known));
            }
        }
    }
}
