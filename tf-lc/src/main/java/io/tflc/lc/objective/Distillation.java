package io.tflc.lc.objective;

import io.tflc.lc.data.Dataset;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Matching the reference model's own outputs, so that a model compresses without labels: the targets are the
 * reference's logits (classifiers: T²·cross-entropy between the softened softmaxes, i.e. their KL divergence up to a
 * constant) or outputs (regression: squared error). {@link io.tflc.lc.objective.Objectives#teacherTargets} makes
 * them.
 */
public final class Distillation implements Objective {
    public static final String NAME = "distill";
    /**
     * Softened by 2: on the demo plan (LeNet300, k = 2) T = 2 ended 0.25 points closer to the labelled run than T = 1
     * (11.49% against 11.74%; T = 4 gave 11.49% too).
     */
    public static final double DEFAULT_TEMPERATURE = 2;

    private final Objective base;
    private final double temperature;

    /** @param base the objective the model was trained with (its metrics are kept) */
    public Distillation(Objective base, double temperature) {
        if (!(temperature > 0)) {
            throw new IllegalArgumentException("the distillation temperature must be > 0, got " + temperature);
        }
        this.base = base;
        this.temperature = temperature;
    }

    public Objective base() {
        return base;
    }

    /** Whether the teacher's targets are logits to soften (classifiers) rather than outputs to fit. */
    public boolean classifier() {
        return base instanceof SoftmaxCrossEntropy;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean onOutput() {
        return !classifier();
    }

    @Override
    public Operand<TFloat32> loss(Ops tf, Operand<TFloat32> logits, Operand<TFloat32> output,
                                  Operand<TFloat32> targets) {
        if (!classifier()) {
            return new Regression(true).loss(tf, logits, output, targets);
        }
        Operand<TFloat32> t = tf.constant((float) temperature);
        Operand<TFloat32> soft = tf.nn.softmax(tf.math.div(tf.reshape(targets, tf.shape(logits)), t));
        Operand<TFloat32> crossEntropy = tf.math.mean(
                tf.nn.softmaxCrossEntropyWithLogits(tf.math.div(logits, t), soft).loss(), tf.constant(0));
        return tf.math.mul(crossEntropy, tf.math.mul(t, t));
    }

    /** On the teacher's targets: disagreement with it (classifiers), or distance to it (regression). */
    @Override
    public Metrics metrics(int outputs) {
        return classifier() ? Metrics.classes(outputs) : Metrics.regression();
    }

    @Override
    public void check(Dataset data, int outputs, String origin) {
        Objective.requireWidth(data, outputs, origin, NAME);
    }
}
