package io.tflc.lc.sensitivity;

import java.util.Map;

/**
 * A model's mean loss and the objective's measures ({@code error}, {@code top5_error}, {@code mae}, {@code rmse})
 * on the validation split.
 */
public record Measured(double loss, Map<String, Double> metrics) {
    public Measured {
        metrics = Map.copyOf(metrics);
    }

    /** The measure called {@code name}, NaN when the objective has none by that name. */
    public double metric(String name) {
        return metrics.getOrDefault(name, Double.NaN);
    }
}
