package io.tflc.lc.objective;

import io.tflc.lc.data.Dataset;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Mean squared ({@code mse}) or absolute ({@code mae}) error of the model's output, any width, against targets. */
public final class Regression implements Objective {
    public static final String MSE = "mse";
    public static final String MAE = "mae";

    private final boolean squared;

    public Regression(boolean squared) {
        this.squared = squared;
    }

    @Override
    public String name() {
        return squared ? MSE : MAE;
    }

    @Override
    public boolean onOutput() {
        return true;
    }

    @Override
    public Operand<TFloat32> loss(Ops tf, Operand<TFloat32> logits, Operand<TFloat32> output,
                                  Operand<TFloat32> targets) {
        Operand<TFloat32> difference = tf.math.sub(output, tf.reshape(targets, tf.shape(output)));
        Operand<TFloat32> perValue = squared ? tf.math.square(difference) : tf.math.abs(difference);
        return tf.math.mean(tf.reshape(perValue, tf.constant(new int[] {-1})), tf.constant(0));
    }

    @Override
    public Metrics metrics(int outputs) {
        return Metrics.regression();
    }

    @Override
    public void check(Dataset data, int outputs, String origin) {
        Objective.requireWidth(data, outputs, origin, name());
    }
}
