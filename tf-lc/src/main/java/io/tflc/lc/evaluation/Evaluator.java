package io.tflc.lc.evaluation;

import io.tflc.lc.data.BatchSource;
import io.tflc.lc.objective.Metrics;
import io.tflc.lc.objective.Objective;
import io.tflc.lc.objective.SoftmaxCrossEntropy;
import io.tflc.savedmodels.Scopes;
import io.tflc.savedmodels.TrainableModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A model's mean loss under an objective (the same op the L-step differentiates) and the objective's measures
 * ({@link Metrics}), built once per model and objective. No gradients: evaluating needs none.
 */
public final class Evaluator {
    private static final AtomicLong INSTANCES = new AtomicLong();

    private final TrainableModel model;
    private final Objective objective;
    private final Operand<TFloat32> loss;
    private final Operand<TFloat32> measured;
    private final Metrics metrics;

    /** Under softmax cross-entropy (a classifier with class-index targets). */
    public Evaluator(TrainableModel model) {
        this(model, new SoftmaxCrossEntropy());
    }

    public Evaluator(TrainableModel model, Objective objective) {
        model.requireAnyBatchSize("evaluate");
        this.model = model;
        this.objective = objective;
        Ops tf = Scopes.under(Ops.create(model.graph()), "tflc/evaluation_" + INSTANCES.incrementAndGet());
        loss = tf.withName(objective.name()).identity(objective.loss(tf, model.logits(), model.output(),
                model.targets()));
        measured = objective.measured(model);
        metrics = objective.metrics(Objective.units(measured));
    }

    public Objective objective() {
        return objective;
    }

    /** The batch's mean loss (feed the model's input and targets). */
    public Operand<TFloat32> loss() {
        return loss;
    }

    /** Mean loss, the objective's measures and every example's predicted class (null for regression). */
    public Evaluation evaluate(BatchSource batches) {
        double[] total = {0};
        long[] seen = {0};
        Metrics.Accumulator sums = metrics.start();
        List<int[]> parts = new ArrayList<>();
        batches.inOrder(batch -> {
            try (Result result = model.session().runner()
                    .feed(model.input(), batch.features()).feed(model.targets(), batch.targets())
                    .fetch(loss).fetch(measured).run()) {
                total[0] += ((TFloat32) result.get(0)).getFloat() * batch.size();
                TFloat32 values = (TFloat32) result.get(1);
                float[] v = new float[Math.toIntExact(values.shape().size())];
                values.asRawTensor().data().asFloats().read(v);
                float[] targets = new float[Math.toIntExact(batch.targets().shape().size())];
                batch.targets().asRawTensor().data().asFloats().read(targets);
                sums.add(v, targets, batch.size());
                int[] p = metrics.predictions(v, batch.size());
                if (p != null) {
                    parts.add(p);
                }
                seen[0] += batch.size();
            }
        });
        int[] predictions = parts.isEmpty() ? null : parts.stream().flatMapToInt(Arrays::stream).toArray();
        return new Evaluation(total[0] / seen[0], sums.result(), predictions);
    }

    /**
     * Loss, measures by name ({@code error}, {@code top5_error}, {@code mae}, {@code rmse}) and predicted classes
     * (null for regression).
     */
    public record Evaluation(double loss, Map<String, Double> metrics, int[] predictions) {
        /** The error rate, NaN when the objective has none (regression). */
        public double error() {
            return metrics.getOrDefault("error", Double.NaN);
        }

        public double metric(String name) {
            return metrics.getOrDefault(name, Double.NaN);
        }
    }
}
