package io.tflc.lc.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

/**
 * The compressions a task can apply ({@link io.tflc.compressors} types), combined with
 * {@link CompressionSpec#plus}: {@code Compressions.prune(0.05).plus(Compressions.codebook(2))}. Arguments out of
 * range are refused when the plan is built ({@link io.tflc.lc.plan.PlanException}, naming the value).
 */
public final class Compressions {
    private Compressions() {
    }

    /** A learned codebook of {@code k} values (k-means per C-step): log2(k) bits per weight. */
    public static CompressionSpec codebook(int k) {
        return type("adaptive_codebook").with("k", k).spec();
    }

    /** Every weight becomes the nearest of {@code values}. */
    public static CompressionSpec fixedCodebook(double... values) {
        JsonArray array = new JsonArray();
        for (double v : values) {
            array.add(v);
        }
        Part part = type("fixed_codebook");
        part.json.add("values", array);
        return part.spec();
    }

    /** Signs: every weight ±1. */
    public static CompressionSpec binary() {
        return type("binary").spec();
    }

    /** Signs times one learned scale: ±a. */
    public static CompressionSpec scaledBinary() {
        return type("scaled_binary").spec();
    }

    /** {−a, 0, +a} with a learned scale. */
    public static CompressionSpec scaledTernary() {
        return type("scaled_ternary").spec();
    }

    /** A codebook of {@code k} vectors of {@code d} consecutive weights. */
    public static CompressionSpec vectorQuantization(int k, int d) {
        return type("vector_quantization").with("k", k).with("d", d).spec();
    }

    /** Keeps the largest {@code fraction} of the weights (by magnitude), the rest zero: an ℓ0 constraint. */
    public static CompressionSpec prune(double fraction) {
        return type("l0_constraint").with("fraction", fraction).spec();
    }

    /** Keeps the {@code kappa} largest weights (by magnitude), the rest zero. */
    public static CompressionSpec pruneTo(int kappa) {
        return type("l0_constraint").with("kappa", kappa).spec();
    }

    /** The weights' ℓ1 norm at most {@code kappa}. */
    public static CompressionSpec l1Constraint(double kappa) {
        return type("l1_constraint").with("kappa", kappa).spec();
    }

    /** A cost of {@code alpha} per nonzero weight, traded against the loss. */
    public static CompressionSpec l0Penalty(double alpha) {
        return type("l0_penalty").with("alpha", alpha).spec();
    }

    /** A cost of {@code alpha}·|w| summed over the weights, traded against the loss. */
    public static CompressionSpec l1Penalty(double alpha) {
        return type("l1_penalty").with("alpha", alpha).spec();
    }

    /** A matrix of rank at most {@code rank} (two factors). */
    public static CompressionSpec lowRank(int rank) {
        return type("low_rank").with("rank", rank).spec();
    }

    /** The rank chosen per C-step, at a storage cost of {@code alpha} per parameter traded against the loss. */
    public static CompressionSpec rankSelection(double alpha) {
        return type("rank_selection").with("alpha", alpha).spec();
    }

    private static Part type(String type) {
        Part part = new Part(new JsonObject());
        part.json.addProperty("type", type);
        return part;
    }

    /** One compression's plan object while it is filled in. */
    private record Part(JsonObject json) {
        Part with(String key, Number value) {
            json.addProperty(key, value);
            return this;
        }

        CompressionSpec spec() {
            return new CompressionSpec(json);
        }
    }
}
