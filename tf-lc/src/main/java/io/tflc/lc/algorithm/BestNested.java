package io.tflc.lc.algorithm;

import io.tflc.compressors.Theta;
import java.util.List;
import java.util.Map;

/**
 * The best nested model an LC run has seen: what is exported, so that a later step that got worse (or an L-step that
 * diverged) never costs the result. DC (step 0) is a candidate like any LC step, so the export is never worse than DC
 * by the run's criterion.
 *
 * @param step the LC step it came from (0: direct compression)
 * @param criterion its value of the run's criterion (lower is better)
 * @param thetas Θ of every task at that step
 * @param otherWeights the model's variables outside the tasks at that step: they train with the L-step too, and Θ
 *     alone would be exported with later (possibly diverged) values of them
 */
public record BestNested(int step, double criterion, List<Theta> thetas, Map<String, float[]> otherWeights) {

    public BestNested {
        thetas = List.copyOf(thetas);
    }

    /** Whether a nested model measuring {@code value} replaces this one: strictly lower, and a number. */
    public boolean beatenBy(double value) {
        return !Double.isNaN(value) && value < criterion;
    }
}
