package io.tflc.lc.algorithm;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.tflc.compressors.AdditiveSum;
import io.tflc.compressors.LowRankFactors;
import io.tflc.compressors.Quantized;
import io.tflc.compressors.SparseFactors;
import io.tflc.compressors.SparseValues;
import io.tflc.compressors.Theta;
import io.tflc.compressors.Uncompressed;
import io.tflc.compressors.VectorQuantized;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Θ in a checkpoint: a JSON object whose {@code type} names the kind of Θ and whose other keys are the Θ record's
 * components by name (JSON numbers for scalars, {@link CheckpointTensors} references for arrays, a list of such
 * objects for the parts of an additive sum). Values are stored exactly (float64 and int32), so a resumed run continues
 * from the very Θ it stopped with.
 */
final class ThetaJson {
    private ThetaJson() {
    }

    static JsonObject write(Theta theta, CheckpointTensors tensors, String what) throws IOException {
        JsonObject json = new JsonObject();
        if (theta instanceof Quantized q) {
            json.addProperty("type", "quantized");
            shape(json, q.rows(), q.cols());
            json.add("codebook", tensors.write(q.codebook(), what + " codebook"));
            json.add("codes", tensors.write(q.codes(), what + " codes"));
            json.addProperty("stored_codebook_values", q.storedCodebookValues());
        } else if (theta instanceof SparseValues s) {
            json.addProperty("type", "sparse_values");
            shape(json, s.rows(), s.cols());
            json.add("positions", tensors.write(s.positions(), what + " positions"));
            json.add("values", tensors.write(s.values(), what + " values"));
        } else if (theta instanceof LowRankFactors f) {
            json.addProperty("type", "low_rank_factors");
            json.add("u", tensors.write(f.u(), what + " U"));
            json.add("v", tensors.write(f.v(), what + " V"));
        } else if (theta instanceof Uncompressed u) {
            json.addProperty("type", "uncompressed");
            json.add("weights", tensors.write(u.weights(), what + " weights"));
        } else if (theta instanceof VectorQuantized v) {
            json.addProperty("type", "vector_quantized");
            shape(json, v.rows(), v.cols());
            json.add("codebook", tensors.write(v.codebook(), what + " codebook"));
            json.add("codes", tensors.write(v.codes(), what + " codes"));
        } else if (theta instanceof SparseFactors f) {
            json.addProperty("type", "sparse_factors");
            shape(json, f.rows(), f.cols());
            json.add("codebook", tensors.write(f.codebook(), what + " codebook"));
            json.add("indices", tensors.write(f.indices(), what + " indices"));
            json.add("values", tensors.write(f.values(), what + " values"));
            json.addProperty("terms", f.terms());
            json.addProperty("value_bits", f.valueBits());
            json.addProperty("value_scale", f.valueScale());
            json.addProperty("codebook_bits", f.codebookBits());
            json.addProperty("codebook_scale", f.codebookScale());
            json.add("objectives", tensors.write(f.objectives(), what + " objectives"));
        } else if (theta instanceof AdditiveSum sum) {
            json.addProperty("type", "additive_sum");
            JsonArray parts = new JsonArray();
            for (int i = 0; i < sum.parts().size(); i++) {
                parts.add(write(sum.parts().get(i), tensors, what + " part " + (i + 1)));
            }
            json.add("parts", parts);
            json.add("sweep_objectives", tensors.write(sum.sweepObjectives(), what + " sweep objectives"));
        } else {
            throw new IllegalArgumentException("no checkpoint form for " + theta.getClass().getName()
                    + ": add one to " + ThetaJson.class.getName());
        }
        return json;
    }

    static Theta read(JsonElement element, CheckpointTensors tensors, String what) throws IOException {
        if (element == null || !element.isJsonObject() || !element.getAsJsonObject().has("type")) {
            throw new DamagedCheckpointException("the manifest has no Θ (with a type) for " + what);
        }
        JsonObject json = element.getAsJsonObject();
        String type = json.get("type").getAsString();
        return switch (type) {
            case "quantized" -> new Quantized(integer(json, "rows", what), integer(json, "cols", what),
                    tensors.readDoubles(json.get("codebook"), what + " codebook"),
                    tensors.readInts(json.get("codes"), what + " codes"),
                    integer(json, "stored_codebook_values", what));
            case "sparse_values" -> new SparseValues(integer(json, "rows", what), integer(json, "cols", what),
                    tensors.readInts(json.get("positions"), what + " positions"),
                    tensors.readDoubles(json.get("values"), what + " values"));
            case "low_rank_factors" -> new LowRankFactors(tensors.readMatrix(json.get("u"), what + " U"),
                    tensors.readMatrix(json.get("v"), what + " V"));
            case "uncompressed" -> new Uncompressed(tensors.readMatrix(json.get("weights"), what + " weights"));
            case "vector_quantized" -> new VectorQuantized(integer(json, "rows", what), integer(json, "cols", what),
                    tensors.readMatrix(json.get("codebook"), what + " codebook"),
                    tensors.readInts(json.get("codes"), what + " codes"));
            case "sparse_factors" -> new SparseFactors(integer(json, "rows", what), integer(json, "cols", what),
                    tensors.readMatrix(json.get("codebook"), what + " codebook"),
                    tensors.readInts(json.get("indices"), what + " indices"),
                    tensors.readDoubles(json.get("values"), what + " values"), integer(json, "terms", what),
                    integer(json, "value_bits", what), number(json, "value_scale", what),
                    integer(json, "codebook_bits", what), number(json, "codebook_scale", what),
                    tensors.readDoubles(json.get("objectives"), what + " objectives"));
            case "additive_sum" -> {
                if (!json.has("parts") || !json.get("parts").isJsonArray()) {
                    throw new DamagedCheckpointException("the additive Θ of " + what + " has no parts");
                }
                List<Theta> parts = new ArrayList<>();
                JsonArray array = json.getAsJsonArray("parts");
                for (int i = 0; i < array.size(); i++) {
                    parts.add(read(array.get(i), tensors, what + " part " + (i + 1)));
                }
                yield new AdditiveSum(parts, tensors.readDoubles(json.get("sweep_objectives"),
                        what + " sweep objectives"));
            }
            default -> throw new DamagedCheckpointException("Θ of " + what + " has the unknown type '" + type + "'");
        };
    }

    private static void shape(JsonObject json, int rows, int cols) {
        json.addProperty("rows", rows);
        json.addProperty("cols", cols);
    }

    private static int integer(JsonObject json, String key, String what) throws DamagedCheckpointException {
        if (!json.has(key) || !json.get(key).isJsonPrimitive()) {
            throw new DamagedCheckpointException("Θ of " + what + " lacks '" + key + "'");
        }
        return json.get(key).getAsInt();
    }

    private static double number(JsonObject json, String key, String what) throws DamagedCheckpointException {
        if (!json.has(key) || !json.get(key).isJsonPrimitive()) {
            throw new DamagedCheckpointException("Θ of " + what + " lacks '" + key + "'");
        }
        return json.get(key).getAsDouble();
    }
}
