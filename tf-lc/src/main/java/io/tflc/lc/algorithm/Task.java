package io.tflc.lc.algorithm;

import io.tflc.compressors.Compression;
import io.tflc.compressors.views.View;
import java.util.List;

/**
 * One compression task: which weights (by name), how they are viewed as one matrix, and how that matrix is
 * compressed (an additive combination is one {@link Compression} too).
 */
public record Task(String name, List<String> weights, View view, Compression compression) {
    public Task {
        weights = List.copyOf(weights);
        if (weights.size() != view.shapes().size()) {
            throw new IllegalArgumentException("task " + name + ": " + weights.size() + " weights but the view packs "
                    + view.shapes().size());
        }
    }
}
