package io.tflc.lc.lstep;

import io.tflc.lc.data.BatchSource;
import io.tflc.lc.data.Minibatches;
import java.util.SplittableRandom;
import io.tflc.lc.evaluation.Evaluator;
import io.tflc.lc.objective.Objective;
import io.tflc.lc.objective.SoftmaxCrossEntropy;
import io.tflc.savedmodels.ModelWeight;
import io.tflc.savedmodels.Preflight;
import io.tflc.savedmodels.Scopes;
import io.tflc.savedmodels.TrainableModel;
import io.tflc.savedmodels.WeightAccess;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.op.train.ResourceApplyAdam;
import org.tensorflow.op.train.ResourceApplyMomentum;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.proto.StepStats;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The L-step added to a model's graph once: loss = the objective's mean loss (e.g. cross-entropy of the logits and
 * the labels, or squared error; {@link Objective}) + μ/2·Σ‖w − target‖² over the penalised weights; the data loss's
 * gradients by {@code addGradients} with respect to the weights' resource handles, plus μ(w − target) for a
 * penalised weight; one {@code ResourceApply*} update per trainable weight (the framework optimizers only see
 * VariableV2, docs/library-facts.md, 'Optimizers and variables').
 *
 * <p>μ, the learning rate and the targets Δ(Θ) + λ/μ (held as −μ·target) are non-trainable resource variables
 * assigned from Java once per LC step, never fed per minibatch. With no penalised weights this is plain training.
 */
public final class LStepGraph {
    private static final String SCOPE = "tflc/lstep";
    private static final double ADAM_BETA2 = 0.999;
    /** Resource names must differ between L-step graphs of one session, or their variables would be shared. */
    private static final java.util.concurrent.atomic.AtomicLong INSTANCES = new java.util.concurrent.atomic.AtomicLong();
    private final String resourcePrefix = "tflc_lstep_" + INSTANCES.incrementAndGet() + "/";

    private final TrainableModel model;
    private final List<String> penalized;
    private final Evaluator evaluator;
    private final Operand<TFloat32> dataLoss;
    /** μ/2·Σ‖w − target‖², evaluated once per epoch for the reported loss. */
    private final Operand<TFloat32> penalty;
    private final Op train;
    private final WeightAccess state;
    /**
     * A data-parallel L-step's epoch loss, fed by each replica and averaged over all of them (null in one process):
     * what every replica judges divergence on, so that they all stop, or all go on, at the same point.
     */
    private final Placeholder<TFloat32> replicaEpochLoss;
    private final Operand<TFloat32> averagedEpochLoss;
    private final List<String> scaledTargetNames = new ArrayList<>();
    private final List<String> slotNames = new ArrayList<>();
    private final Optimizer optimizer;

    /** Under softmax cross-entropy, the classifiers' objective. */
    public LStepGraph(TrainableModel model, List<String> penalizedWeights, Optimizer optimizer) {
        this(model, new SoftmaxCrossEntropy(), penalizedWeights, optimizer);
    }

    public LStepGraph(TrainableModel model, Objective objective, List<String> penalizedWeights, Optimizer optimizer) {
        this(model, objective, penalizedWeights, optimizer, GradientReduction.LOCAL);
    }

    /**
     * @param reduction applied to the data loss's gradients before the penalty's are added: every replica holds the
     *     same weights and targets, so the penalty's gradient needs no reduction
     */
    public LStepGraph(TrainableModel model, Objective objective, List<String> penalizedWeights, Optimizer optimizer,
                      GradientReduction reduction) {
        this.model = model;
        this.penalized = List.copyOf(penalizedWeights);
        this.optimizer = optimizer;
        Graph graph = model.graph();
        Ops tf = Scopes.under(Ops.create(graph), SCOPE);
        List<WeightAccess.Variable> variables = new ArrayList<>();

        Operand<?> mu = scalar(tf, "mu", variables);
        Operand<?> learningRate = scalar(tf, "learning_rate", variables);
        evaluator = new Evaluator(model, objective);
        dataLoss = evaluator.loss();

        List<Preflight.Problem> problems = Preflight.missingGradients(model);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("the model cannot be trained: these ops between its weights and its "
                    + "logits have no gradient: " + problems.stream().map(Preflight.Problem::toString)
                    .collect(java.util.stream.Collectors.joining("; ")));
        }
        List<ModelWeight> weights = model.trainableWeights();
        Output<?>[] handles = weights.stream().map(ModelWeight::handle).toArray(Output<?>[]::new);
        Output<?>[] dataGradients = graph.addGradients(dataLoss.asOutput(), handles);
        List<Operand<TFloat32>> gradients = new ArrayList<>();
        for (int i = 0; i < weights.size(); i++) {
            gradients.add(gradient(dataGradients[i], weights.get(i)));
        }
        gradients = new ArrayList<>(reduction.reduce(tf, gradients));
        if (reduction == GradientReduction.LOCAL) {
            replicaEpochLoss = null;
            averagedEpochLoss = null;
        } else {
            replicaEpochLoss = tf.withName("replica_epoch_loss").placeholder(TFloat32.class,
                    Placeholder.shape(Shape.scalar()));
            averagedEpochLoss = reduction.reduce(tf, List.of(replicaEpochLoss)).get(0);
        }
        // The penalty's gradient μ(w − target) is written out rather than differentiated (TF's gradient of the
        // squared norm made several full-size passes per weight; profiled with `bench lstep`), and the variable
        // holds −μ·target, so the update adds it in one AddN: g + μw + (−μ·target), two passes over the weight.
        Operand<TFloat32> muValue = tf.readVariableOp(mu, TFloat32.class);
        Operand<TFloat32> squaredDistance = tf.constant(0f);
        for (int i = 0; i < penalized.size(); i++) {
            ModelWeight w = model.weight(penalized.get(i));
            String name = "scaled_target_" + i;
            Operand<?> scaledTarget = variable(tf, name, w.shape(), variables);
            scaledTargetNames.add(SCOPE + "/" + name);
            Operand<TFloat32> pull = tf.math.mul(muValue, tf.readVariableOp(w.handle(), TFloat32.class));
            Operand<TFloat32> negativeScaledTarget = tf.readVariableOp(scaledTarget, TFloat32.class);
            int k = weights.indexOf(w);
            if (k >= 0) {
                gradients.set(k, tf.math.addN(List.of(gradients.get(k), pull, negativeScaledTarget)));
            }
            // ‖w − target‖² = ‖μw − μ·target‖² / μ², for the loss reported once per epoch.
            squaredDistance = tf.math.add(squaredDistance, tf.reduceSum(
                    tf.math.square(tf.math.add(pull, negativeScaledTarget)), allAxes(tf, w.shape())));
        }
        // μ/2·‖w − target‖² = ‖μw − μ·target‖² / (2μ); 0 when μ = 0 (plain training).
        penalty = tf.withName("penalty").math.divNoNan(squaredDistance, tf.math.mul(tf.constant(2f), muValue));
        Operand<TFloat32> lr = tf.readVariableOp(learningRate, TFloat32.class);
        List<Op> updates = new ArrayList<>();
        if (optimizer.kind().equals(Optimizer.SGD_NESTEROV)) {
            for (int i = 0; i < weights.size(); i++) {
                Operand<?> velocity = slot(tf, "velocity_" + i, weights.get(i).shape(), variables);
                updates.add(tf.train.resourceApplyMomentum(weights.get(i).handle(), velocity, lr,
                        gradients.get(i), tf.constant((float) optimizer.momentum()),
                        ResourceApplyMomentum.useNesterov(true)));
            }
        } else {
            Operand<?> beta1Power = slot(tf, "beta1_power", Shape.scalar(), variables);
            Operand<?> beta2Power = slot(tf, "beta2_power", Shape.scalar(), variables);
            Operand<TFloat32> beta1 = tf.constant((float) optimizer.momentum());
            Operand<TFloat32> beta2 = tf.constant((float) ADAM_BETA2);
            Operand<TFloat32> b1p = tf.readVariableOp(beta1Power, TFloat32.class);
            Operand<TFloat32> b2p = tf.readVariableOp(beta2Power, TFloat32.class);
            List<Op> applies = new ArrayList<>();
            for (int i = 0; i < weights.size(); i++) {
                Operand<?> m = slot(tf, "adam_m_" + i, weights.get(i).shape(), variables);
                Operand<?> v = slot(tf, "adam_v_" + i, weights.get(i).shape(), variables);
                applies.add(tf.train.resourceApplyAdam(weights.get(i).handle(), m, v, b1p, b2p, lr, beta1, beta2,
                        tf.constant(1e-7f), gradients.get(i), ResourceApplyAdam.useNesterov(false)));
            }
            Ops after = tf.withControlDependencies(applies);
            updates.add(after.assignVariableOp(beta1Power, after.math.mul(b1p, beta1)));
            updates.add(after.assignVariableOp(beta2Power, after.math.mul(b2p, beta2)));
        }
        train = tf.withControlDependencies(updates).withName("train").noOp();
        state = new WeightAccess(graph, model.session(), variables, SCOPE + "/access");
        Map<String, float[]> zeros = new LinkedHashMap<>();
        for (WeightAccess.Variable v : variables) {
            zeros.put(v.name(), new float[Math.toIntExact(v.shape().size())]);
        }
        state.assign(zeros);
        resetOptimizer();
    }

    /** Sets μ and the targets Δ(Θ) + λ/μ of the penalised weights (by weight name). */
    public void setPenalty(double mu, Map<String, float[]> targets) {
        Map<String, float[]> values = new LinkedHashMap<>();
        values.put(SCOPE + "/mu", new float[] {(float) mu});
        for (int i = 0; i < penalized.size(); i++) {
            float[] target = targets.get(penalized.get(i));
            if (target == null) {
                throw new IllegalArgumentException("no target for penalised weight " + penalized.get(i));
            }
            float[] negativeScaled = new float[target.length];
            for (int j = 0; j < target.length; j++) {
                negativeScaled[j] = (float) (-mu * target[j]);
            }
            values.put(scaledTargetNames.get(i), negativeScaled);
        }
        state.assign(values);
    }

    public void setLearningRate(double lr) {
        state.assign(Map.of(SCOPE + "/learning_rate", new float[] {(float) lr}));
    }

    /** Zeroes the optimizer's slots; Adam's β powers start at β1 and β2 (they are β^t, and t = 1 first). */
    public void resetOptimizer() {
        Map<String, float[]> values = new LinkedHashMap<>();
        for (String slot : slotNames) {
            values.put(slot, new float[Math.toIntExact(shapeOf(slot))]);
        }
        values.computeIfPresent(SCOPE + "/beta1_power", (k, v) -> new float[] {(float) optimizer.momentum()});
        values.computeIfPresent(SCOPE + "/beta2_power", (k, v) -> new float[] {(float) ADAM_BETA2});
        state.assign(values);
    }

    /** The optimizer's slots, μ, learning rate and targets, for checkpoints. */
    public WeightAccess state() {
        return state;
    }

    /**
     * Losses of an epoch: {@code data} is the mean cross-entropy over its minibatches; {@code total} adds the
     * penalty μ/2·Σ‖w − target‖² of the weights the epoch ended with (computed once, not per minibatch).
     */
    public record EpochLoss(double total, double data) {
    }

    /**
     * One epoch of minibatch updates over {@code order}.
     *
     * @throws DivergenceException when a batch's loss is NaN or infinite
     */
    public EpochLoss epoch(Minibatches batches, int[] order, Runnable afterBatch) {
        return epoch(batches.count(), consumer -> batches.forEach(order, consumer), afterBatch);
    }

    /**
     * One epoch of minibatch updates over a pass of {@code batches} in the order {@code random} draws.
     *
     * @throws DivergenceException when a batch's loss is NaN or infinite (in a data-parallel L-step: any replica's,
     *     once the epoch is over)
     */
    public EpochLoss epoch(BatchSource batches, SplittableRandom random, Runnable afterBatch) {
        return epoch(batches.count(), consumer -> batches.shuffled(random, consumer), afterBatch);
    }

    private EpochLoss epoch(int count, java.util.function.Consumer<Minibatches.BatchConsumer> pass,
                            Runnable afterBatch) {
        double[] dataSum = {0};
        int[] seen = {0};
        int[] batchIndex = {0};
        String[] firstNonFinite = {null};
        pass.accept(batch -> {
            batchIndex[0]++;
            float loss = update(batch);
            if (!Float.isFinite(loss) && firstNonFinite[0] == null) {
                firstNonFinite[0] = "the L-step loss became " + loss + " at minibatch " + batchIndex[0] + " of "
                        + count + " in the epoch";
                if (replicaEpochLoss == null) {
                    throw new DivergenceException(firstNonFinite[0]);
                }
                // A replica goes on to the epoch's end: the others' updates wait for its gradients.
            }
            dataSum[0] += loss * batch.size();
            seen[0] += batch.size();
            afterBatch.run();
        });
        double data = dataSum[0] / Math.max(seen[0], 1);
        if (replicaEpochLoss != null) {
            data = averagedOverReplicas(data);
            if (!Double.isFinite(data)) {
                throw new DivergenceException(firstNonFinite[0] != null ? firstNonFinite[0] + " on this worker"
                        : "the L-step loss became " + data + " on another worker in this epoch");
            }
        }
        double penaltyValue;
        try (Result result = model.session().runner().fetch(penalty).run()) {
            penaltyValue = ((TFloat32) result.get(0)).getFloat();
        }
        if (!Double.isFinite(penaltyValue)) {
            throw new DivergenceException("the L-step penalty became " + penaltyValue + " at the end of the epoch");
        }
        return new EpochLoss(data + penaltyValue, data);
    }

    /** The mean of {@code value} over all replicas (each feeds its own). */
    private double averagedOverReplicas(double value) {
        try (TFloat32 local = TFloat32.scalarOf((float) value);
             Result result = model.session().runner().feed(replicaEpochLoss, local).fetch(averagedEpochLoss).run()) {
            return ((TFloat32) result.get(0)).getFloat();
        }
    }

    /**
     * One minibatch update at the current μ and learning rate; returns the minibatch's mean loss before it (NaN or
     * infinite as it came: the caller decides whether that is a divergence).
     */
    public float update(Minibatches.Batch batch) {
        boolean padded = batch.size() < batch.features().shape().size(0);
        try (TInt32 rows = padded ? TInt32.scalarOf(batch.size()) : null;
             Result result = update(batch, rows).run()) {
            return ((TFloat32) result.get(0)).getFloat();
        }
    }

    /**
     * The first minibatch update of {@code order}, traced by TF's executor (FULL_TRACE): every node run with its
     * time, for profiling. The update is applied like any other.
     */
    public StepStats traceBatch(Minibatches batches, int[] order) {
        StepStats[] stats = new StepStats[1];
        batches.forEach(java.util.Arrays.copyOf(order, batches.batchSize()), batch -> {
            try (Result result = update(batch, null)
                    .setOptions(RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build())
                    .runAndFetchMetadata()) {
                stats[0] = result.getMetadata().orElseThrow().getStepStats();
            }
        });
        return stats[0];
    }

    /** One update; {@code realRows} (null for a full batch): the real rows of a padded one, the only ones it learns. */
    private Session.Runner update(Minibatches.Batch batch, TInt32 realRows) {
        Session.Runner runner = model.session().runner().feed(model.input(), batch.features())
                .feed(model.targets(), batch.targets()).addTarget(train).fetch(dataLoss);
        return realRows == null ? runner : runner.feed(evaluator.realRows(), realRows);
    }

    /** The op that applies one minibatch update, for callers that drive training themselves (benchmarks). */
    public Op trainOp() {
        return train;
    }

    /** The minibatch's mean loss under the objective. */
    public Operand<TFloat32> dataLoss() {
        return dataLoss;
    }

    /** The objective's loss and measures of the model on a dataset, without penalty. */
    public Evaluator.Evaluation evaluate(BatchSource batches) {
        return evaluator.evaluate(batches);
    }

    private Operand<TFloat32> gradient(Output<?> gradient, ModelWeight weight) {
        if (gradient == null) {
            throw new IllegalStateException("no gradient reaches weight " + weight.name() + " from the loss");
        }
        @SuppressWarnings("unchecked")
        Operand<TFloat32> g = (Operand<TFloat32>) gradient;
        return g;
    }

    private Operand<?> scalar(Ops tf, String name, List<WeightAccess.Variable> variables) {
        return variable(tf, name, Shape.scalar(), variables);
    }

    private Operand<?> slot(Ops tf, String name, Shape shape, List<WeightAccess.Variable> variables) {
        slotNames.add(SCOPE + "/" + name);
        return variable(tf, name, shape, variables);
    }

    private long shapeOf(String variable) {
        return state.shape(variable).size();
    }

    private Operand<?> variable(Ops tf, String name, Shape shape, List<WeightAccess.Variable> variables) {
        VarHandleOp handle = tf.withName(name).varHandleOp(TFloat32.class, shape,
                VarHandleOp.sharedName(resourcePrefix + name));
        variables.add(new WeightAccess.Variable(SCOPE + "/" + name, shape, handle));
        return handle;
    }

    private static Operand<org.tensorflow.types.TInt32> allAxes(Ops tf, Shape shape) {
        int[] axes = new int[shape.numDimensions()];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i;
        }
        return tf.constant(axes);
    }
}
