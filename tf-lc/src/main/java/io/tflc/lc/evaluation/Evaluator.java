package io.tflc.lc.evaluation;

import io.tflc.lc.data.Minibatches;
import io.tflc.savedmodels.Scopes;
import io.tflc.savedmodels.TrainableModel;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A model's mean cross-entropy on its logits (labels taken one-hot: the sparse op has no gradient, and the L-step
 * differentiates this same op) and its error rate, built once per model. No gradients: evaluating needs none.
 */
public final class Evaluator {
    private final TrainableModel model;
    private final Operand<TFloat32> loss;

    public Evaluator(TrainableModel model) {
        this.model = model;
        Ops tf = Scopes.under(Ops.create(model.graph()), "tflc/evaluation");
        Operand<TFloat32> logits = model.logits();
        long classes = logits.shape().size(1);
        Operand<TFloat32> oneHot = tf.oneHot(model.labels(), tf.constant((int) classes), tf.constant(1f),
                tf.constant(0f));
        loss = tf.withName("cross_entropy").math.mean(tf.nn.softmaxCrossEntropyWithLogits(logits, oneHot).loss(),
                tf.constant(0));
    }

    /** The mean cross-entropy of a batch (feed the model's input and labels). */
    public Operand<TFloat32> loss() {
        return loss;
    }

    /** Mean cross-entropy and error rate (share of wrong argmax) on a dataset. */
    public Evaluation evaluate(Minibatches batches) {
        double[] total = {0};
        long[] wrong = {0};
        long[] seen = {0};
        batches.forEachInOrder(batch -> {
            try (Result result = model.session().runner()
                    .feed(model.input(), batch.features()).feed(model.labels(), batch.labels())
                    .fetch(loss).fetch(model.logits()).run()) {
                total[0] += ((TFloat32) result.get(0)).getFloat() * batch.size();
                int[] predicted = Predictions.argmax((TFloat32) result.get(1));
                int[] labels = new int[batch.size()];
                batch.labels().asRawTensor().data().asInts().read(labels);
                for (int b = 0; b < batch.size(); b++) {
                    wrong[0] += predicted[b] == labels[b] ? 0 : 1;
                }
                seen[0] += batch.size();
            }
        });
        return new Evaluation(total[0] / seen[0], (double) wrong[0] / seen[0]);
    }

    /** Loss and error rate on a dataset. */
    public record Evaluation(double loss, double error) {
    }
}
