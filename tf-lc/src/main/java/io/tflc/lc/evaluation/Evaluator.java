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
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.core.PlaceholderWithDefault;
import org.tensorflow.types.TInt32;
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
    /** For a graph of one batch size: how many leading rows of a padded batch are real (fed when fewer). */
    private final PlaceholderWithDefault<TInt32> realRows;

    /** Under softmax cross-entropy (a classifier with class-index targets). */
    public Evaluator(TrainableModel model) {
        this(model, new SoftmaxCrossEntropy());
    }

    public Evaluator(TrainableModel model, Objective objective) {
        this.model = model;
        this.objective = objective;
        Ops tf = Scopes.under(Ops.create(model.graph()), "tflc/evaluation_" + INSTANCES.incrementAndGet());
        Operand<TFloat32> logits = model.logits();
        Operand<TFloat32> output = model.output();
        Operand<TFloat32> targets = model.targets();
        Operand<TFloat32> measuredAll = objective.measured(model);
        if (model.declared().fixedBatch() > 0) {
            // The graph runs batches of one size, the last one padded: loss and measures see the real rows only.
            realRows = tf.withName("real_rows").placeholderWithDefault(tf.constant(model.declared().fixedBatch()),
                    Shape.scalar());
            Operand<TInt32> kept = tf.range(tf.constant(0), realRows, tf.constant(1));
            logits = tf.gather(logits, kept, tf.constant(0));
            output = tf.gather(output, kept, tf.constant(0));
            targets = tf.gather(targets, kept, tf.constant(0));
            measuredAll = tf.gather(measuredAll, kept, tf.constant(0));
        } else {
            realRows = null;
        }
        loss = tf.withName(objective.name()).identity(objective.loss(tf, logits, output, targets));
        measured = measuredAll;
        metrics = objective.metrics(Objective.units(objective.measured(model)));
    }

    /**
     * For a model whose graph takes one batch size: the placeholder that says how many leading rows of a padded
     * batch are real (the loss and measures count those only); an error for any other model.
     */
    public PlaceholderWithDefault<TInt32> realRows() {
        if (realRows == null) {
            throw new IllegalStateException("the model takes batches of any size: no batch is padded");
        }
        return realRows;
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
            Session.Runner runner = model.session().runner()
                    .feed(model.input(), batch.features()).feed(model.targets(), batch.targets());
            boolean padded = batch.size() < batch.features().shape().size(0);
            try (TInt32 rows = padded ? TInt32.scalarOf(batch.size()) : null) {
                if (padded) {
                    if (realRows == null) {
                        throw new IllegalStateException("a padded batch for a model that takes any batch size");
                    }
                    runner.feed(realRows, rows);
                }
                evaluateBatch(runner, batch.size(), batch.targets(), total, sums, parts);
            }
            seen[0] += batch.size();
        });
        int[] predictions = parts.isEmpty() ? null : parts.stream().flatMapToInt(Arrays::stream).toArray();
        return new Evaluation(total[0] / seen[0], sums.result(), predictions);
    }

    /** One batch's loss and measures over its first {@code size} rows (the others pad a fixed-size batch). */
    private void evaluateBatch(Session.Runner runner, int size, TFloat32 batchTargets, double[] total,
                               Metrics.Accumulator sums, List<int[]> parts) {
        try (Result result = runner.fetch(loss).fetch(measured).run()) {
            total[0] += ((TFloat32) result.get(0)).getFloat() * size;
            TFloat32 values = (TFloat32) result.get(1);
            float[] v = new float[Math.toIntExact(values.shape().size())];
            values.asRawTensor().data().asFloats().read(v);
            long width = batchTargets.shape().size(1);
            float[] targets = new float[Math.toIntExact(size * width)];
            batchTargets.asRawTensor().data().asFloats().read(targets);
            sums.add(v, targets, size);
            int[] p = metrics.predictions(v, size);
            if (p != null) {
                parts.add(p);
            }
        }
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
