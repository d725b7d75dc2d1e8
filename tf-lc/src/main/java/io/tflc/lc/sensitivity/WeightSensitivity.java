package io.tflc.lc.sensitivity;

import io.tflc.savedmodels.Flops;
import java.util.List;

/**
 * What one weight's ladder did.
 *
 * @param weight the weight's name in the graph
 * @param shape its shape
 * @param view the view its compressions saw ({@code as_is}, {@code conv_filters}, {@code depthwise}), as
 *     {@code compress} picks it for a task that names none
 * @param rows rows of that view
 * @param cols columns of that view
 * @param flops floating-point operations per example of the layer the weight feeds ({@link Flops}; 0 when not
 *     counted)
 * @param trials one per ladder entry, in ladder order
 */
public record WeightSensitivity(String weight, List<Integer> shape, String view, int rows, int cols,
                                long flops, List<Trial> trials) {
    public WeightSensitivity {
        shape = List.copyOf(shape);
        trials = List.copyOf(trials);
    }

    /** The weight's size as 32-bit floats. */
    public long referenceBits() {
        return 32L * rows * cols;
    }

    /** How many times fewer bits {@code trial} stores than the 32-bit weight. */
    public double ratio(Trial trial) {
        return (double) referenceBits() / trial.bits();
    }
}
