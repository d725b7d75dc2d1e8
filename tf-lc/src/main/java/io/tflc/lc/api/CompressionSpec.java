package io.tflc.lc.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A compression a task applies, made by {@link Compressions}: one type, or the sum of several ({@link #plus}), e.g.
 * a pruned part plus a quantized one. Immutable.
 */
public final class CompressionSpec {
    private final List<JsonObject> parts;

    CompressionSpec(JsonObject part) {
        this(List.of(part));
    }

    private CompressionSpec(List<JsonObject> parts) {
        this.parts = List.copyOf(parts);
    }

    /** This compression plus {@code other}: the weights are the sum of what each stores (an additive combination). */
    public CompressionSpec plus(CompressionSpec other) {
        List<JsonObject> all = new ArrayList<>(parts);
        all.addAll(other.parts);
        return new CompressionSpec(all);
    }

    /** As a plan's {@code "compression"}: one object, or a list for a sum. */
    com.google.gson.JsonElement json() {
        if (parts.size() == 1) {
            return parts.get(0).deepCopy();
        }
        JsonArray array = new JsonArray();
        parts.forEach(p -> array.add(p.deepCopy()));
        return array;
    }

    @Override
    public String toString() {
        return json().toString();
    }
}
