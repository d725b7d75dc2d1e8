package io.tflc.lc.objective;

import io.tflc.lc.data.Dataset;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Sigmoid cross-entropy of each output unit against a 0/1 target (binary or multi-label classifiers), in TF's
 * stable form max(x, 0) − x·z + softplus(−|x|).
 */
public final class SigmoidCrossEntropy implements Objective {
    public static final String NAME = "sigmoid_cross_entropy";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Operand<TFloat32> loss(Ops tf, Operand<TFloat32> logits, Operand<TFloat32> output,
                                  Operand<TFloat32> targets) {
        Operand<TFloat32> z = tf.reshape(targets, tf.shape(logits));
        Operand<TFloat32> perValue = tf.math.add(tf.math.sub(tf.math.maximum(logits, tf.constant(0f)),
                tf.math.mul(logits, z)), tf.math.softplus(tf.math.neg(tf.math.abs(logits))));
        return tf.math.mean(tf.reshape(perValue, tf.constant(new int[] {-1})), tf.constant(0));
    }

    @Override
    public Metrics metrics(int outputs) {
        return Metrics.binary();
    }

    @Override
    public void check(Dataset data, int outputs, String origin) {
        Objective.requireWidth(data, outputs, origin, NAME);
        for (int i = 0; i < data.size(); i++) {
            for (int j = 0; j < outputs; j++) {
                float z = data.target(i, j);
                if (z != 0 && z != 1) {
                    throw new IllegalArgumentException("example " + i + " of " + origin + " has label " + z
                            + "; " + NAME + " takes labels 0 and 1");
                }
            }
        }
    }
}
