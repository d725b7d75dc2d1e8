package io.tflc.lc.objective;

import io.tflc.lc.data.Dataset;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Softmax cross-entropy over as many classes as the logits have; targets are class indices. The labels go one-hot
 * into the dense op, because the sparse one has no registered gradient (docs/library-facts.md, 'Gradients').
 */
public final class SoftmaxCrossEntropy implements Objective {
    public static final String NAME = "softmax_cross_entropy";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Operand<TFloat32> loss(Ops tf, Operand<TFloat32> logits, Operand<TFloat32> output,
                                  Operand<TFloat32> targets) {
        int classes = Objective.units(logits);
        Operand<TInt32> labels = tf.reshape(tf.dtypes.cast(targets, TInt32.class), tf.constant(new int[] {-1}));
        Operand<TFloat32> oneHot = tf.oneHot(labels, tf.constant(classes), tf.constant(1f), tf.constant(0f));
        return tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(logits, oneHot).loss(), tf.constant(0));
    }

    @Override
    public Metrics metrics(int outputs) {
        return Metrics.classes(outputs);
    }

    @Override
    public void check(Dataset data, int outputs, String origin) {
        Objective.requireWidth(data, 1, origin, NAME);
        for (int i = 0; i < data.size(); i++) {
            float label = data.target(i, 0);
            if (label != Math.rint(label) || label < 0 || label >= outputs) {
                throw new IllegalArgumentException("example " + i + " of " + origin + " has label " + label
                        + ", outside the model's " + outputs + " classes (0 to " + (outputs - 1) + ")");
            }
        }
    }
}
