package io.tflc.lc.objective;

import io.tflc.lc.data.Dataset;
import io.tflc.savedmodels.TrainableModel;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A training objective: its loss, built in the model's graph on the logits (the input of a final Softmax or Sigmoid)
 * or the output, and targets fed per minibatch as floats [batch, width] (the width {@link #check} requires); and
 * the measures of a model under it.
 */
public interface Objective {

    /** The name plans and the command line use, e.g. {@code softmax_cross_entropy}. */
    String name();

    /** The batch's mean loss. */
    Operand<TFloat32> loss(Ops tf, Operand<TFloat32> logits, Operand<TFloat32> output, Operand<TFloat32> targets);

    /** Whether the loss and measures read the model's output rather than its logits (regression). */
    default boolean onOutput() {
        return false;
    }

    /** What the measures (and a distillation's targets) read: the model's output or its logits. */
    default Output<TFloat32> measured(TrainableModel model) {
        return onOutput() ? model.output() : model.logits();
    }

    /** The number of units of {@link #measured}: the classes of a classifier, the values of a regression. */
    default int outputs(TrainableModel model) {
        return units(measured(model));
    }

    /** The measures that go with this objective, for a model with {@code outputs} units. */
    Metrics metrics(int outputs);

    /**
     * Checks that {@code data}'s targets fit a model with {@code outputs} units before anything trains; the error
     * names the example and {@code origin} (the data source).
     */
    void check(Dataset data, int outputs, String origin);

    /** Whether {@code data}'s targets fit (see {@link #check}): whether it is labelled for this objective. */
    default boolean fits(Dataset data, int outputs) {
        try {
            check(data, outputs, "");
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The number of units of a [batch, units] tensor (a scalar output per example counts as one). */
    static int units(Operand<TFloat32> tensor) {
        var shape = tensor.shape();
        return shape.numDimensions() < 2 ? 1 : Math.toIntExact(shape.size(shape.numDimensions() - 1));
    }

    /** Checks that a dataset carries {@code width} targets per example. */
    static void requireWidth(Dataset data, int width, String origin, String objective) {
        if (data.targetWidth() != width) {
            throw new IllegalArgumentException(origin + " gives " + data.targetWidth() + " target value(s) per "
                    + "example; " + objective + " on this model needs " + width);
        }
    }
}
