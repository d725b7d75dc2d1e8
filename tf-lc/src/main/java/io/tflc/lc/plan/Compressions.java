package io.tflc.lc.plan;

import com.google.gson.JsonElement;
import io.tflc.compressors.Compression;
import io.tflc.compressors.additive.AdditiveCombination;
import io.tflc.compressors.factors.SparseQuantizedFactors;
import io.tflc.compressors.lowrank.FixedRank;
import io.tflc.compressors.lowrank.RankSelection;
import io.tflc.compressors.pruning.L0Constraint;
import io.tflc.compressors.pruning.L0Penalty;
import io.tflc.compressors.pruning.L1Constraint;
import io.tflc.compressors.pruning.L1Penalty;
import io.tflc.compressors.quantization.AdaptiveCodebook;
import io.tflc.compressors.quantization.Binary;
import io.tflc.compressors.quantization.FixedCodebook;
import io.tflc.compressors.quantization.ScaledBinary;
import io.tflc.compressors.quantization.ScaledTernary;
import io.tflc.compressors.quantization.VectorQuantization;
import java.util.ArrayList;
import java.util.List;

/** Compressions as plans write them: {@code {"type": "adaptive_codebook", "k": 2}}, or a list for a sum. */
final class Compressions {
    static final List<String> TYPES = List.of("adaptive_codebook", "fixed_codebook", "binary", "scaled_binary",
            "scaled_ternary", "vector_quantization", "l0_constraint", "l1_constraint", "l0_penalty", "l1_penalty",
            "low_rank", "rank_selection", "sparse_factors");

    private Compressions() {
    }

    static Compression parse(JsonElement element, String path) {
        if (element.isJsonArray()) {
            List<Compression> parts = new ArrayList<>();
            int i = 0;
            for (JsonElement part : element.getAsJsonArray()) {
                parts.add(one(part, path + "[" + i++ + "]"));
            }
            if (parts.isEmpty()) {
                throw new PlanException(path + " is an empty list; give one compression or several to add up");
            }
            return parts.size() == 1 ? parts.get(0) : new AdditiveCombination(parts);
        }
        return one(element, path);
    }

    private static Compression one(JsonElement element, String path) {
        Fields f = new Fields(element, path);
        String type = f.string("type");
        Compression c;
        try {
            c = switch (type) {
                case "adaptive_codebook" -> new AdaptiveCodebook(f.integer("k"));
                case "fixed_codebook" -> new FixedCodebook(values(f));
                case "binary" -> new Binary();
                case "scaled_binary" -> new ScaledBinary();
                case "scaled_ternary" -> new ScaledTernary();
                case "vector_quantization" -> new VectorQuantization(f.integer("k"), f.integer("d"),
                        f.integer("restarts", 4), f.integer("seed", 0));
                case "l0_constraint" -> f.has("fraction") ? L0Constraint.keepFraction(f.number("fraction"))
                        : L0Constraint.keep(f.integer("kappa"));
                case "l1_constraint" -> new L1Constraint(f.number("kappa"));
                case "l0_penalty" -> new L0Penalty(f.number("alpha"));
                case "l1_penalty" -> new L1Penalty(f.number("alpha"));
                case "low_rank" -> new FixedRank(f.integer("rank"));
                case "sparse_factors" -> new SparseQuantizedFactors(f.integer("k"), f.integer("d"), f.integer("s", 1),
                        f.integer("value_bits", 32), f.integer("codebook_bits", 32), f.integer("iterations", 100));
                case "rank_selection" -> new RankSelection(f.number("alpha"), costPerParameter(f),
                        f.bool("normalize", false));
                default -> throw new PlanException("unknown compression type '" + type + "' at " + f.path("type")
                        + "; types: " + String.join(", ", TYPES));
            };
        } catch (IllegalArgumentException e) {
            throw new PlanException(path + ": " + e.getMessage(), e);
        }
        f.finish();
        return c;
    }

    private static double costPerParameter(Fields f) {
        String criterion = f.string("criterion", "storage");
        return switch (criterion) {
            case "storage" -> 1;
            case "flops" -> f.number("flops_per_parameter", 1);
            default -> throw new PlanException(f.path("criterion") + " is '" + criterion + "'; criteria: storage, flops");
        };
    }

    private static double[] values(Fields f) {
        var array = f.array("values");
        double[] v = new double[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = array.get(i).getAsDouble();
        }
        return v;
    }
}
