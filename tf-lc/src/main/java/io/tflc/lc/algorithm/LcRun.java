package io.tflc.lc.algorithm;

import io.tflc.compressors.AdditiveSum;
import io.tflc.compressors.CStep;
import io.tflc.compressors.Finite;
import io.tflc.compressors.LowRankFactors;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.NonFiniteException;
import io.tflc.compressors.Quantized;
import io.tflc.compressors.SparseFactors;
import io.tflc.compressors.SparseValues;
import io.tflc.compressors.Theta;
import io.tflc.compressors.Uncompressed;
import io.tflc.compressors.VectorQuantized;
import io.tflc.lc.data.Dataset;
import io.tflc.lc.data.BatchSource;
import io.tflc.lc.data.TrainingData;
import io.tflc.lc.lstep.DivergenceException;
import io.tflc.lc.evaluation.Evaluator;
import io.tflc.lc.objective.Objective;
import io.tflc.lc.objective.SoftmaxCrossEntropy;
import io.tflc.lc.lstep.LStepGraph;
import io.tflc.savedmodels.ModelWeight;
import io.tflc.savedmodels.TrainableModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The LC algorithm on one model (docs/lc-algorithm.md): evaluate the reference, compress it directly (DC, at μ0),
 * then for
 * each μ of the schedule run the L-step (SGD on loss + μ/2‖w − Δ(Θ) − λ/μ‖²), the C-steps Θ = Π(w − λ/μ) of all
 * tasks in parallel, the multiplier update λ ← λ − μ(w − Δ(Θ)), and evaluate the nested model (weights := Δ(Θ)),
 * restoring the live weights w afterwards. The compressed model is the best nested model seen ({@link BestNested}),
 * DC included: lowest loss on a validation split when the run has one, else lowest training loss (the rows measure
 * it anyway). When that criterion got worse {@value #WORSE_STEPS} steps in a row, the learning rate is halved from
 * then on; an L-step that diverges runs again from where it started at half the rate, and after {@value #RETRIES}
 * such retries ends the run early, with the best so far as its result. A μ schedule derived from the model grows μ
 * only after steps whose nested criterion settled ({@link MuFromModel#grows}), and an L-step whose lr0 is to come
 * from the model has it measured on the reference before DC ({@link LearningRateRange}).
 *
 * <p>With a checkpoint folder, the full state is written atomically after DC and after every LC step, and
 * {@code run(true)} continues from the last one: a run killed at any moment loses at most the step in progress.
 */
public final class LcRun {
    private static final int EVALUATION_BATCH = 1000;
    /** An epoch whose mean loss exceeds the reference's this many times (and 10) has exploded. */
    private static final double EXPLOSION = 1e3;
    /** Steps in a row whose nested criterion got worse before the learning rate is halved. */
    static final int WORSE_STEPS = 3;
    /** Times a diverged L-step runs again, each at half the rate before, before the run stops. */
    static final int RETRIES = 3;

    /** Progress callbacks; all optional. */
    public interface Listener {
        default void stepStarted(int step, int steps, double mu, int epochs, int batchesPerEpoch) {
        }

        default void batchFinished() {
        }

        default void epochFinished(int step, int epoch, double loss) {
        }

        default void row(Row row) {
        }

        /** Something the run decided that the user should know (a derived μ, a halved learning rate, a stop). */
        default void notice(String message) {
        }

        /**
         * The run's report has been written into {@code folder} ({@code report.json}, {@code report.md}): a listener
         * may add its own views of it there (the command line draws {@code report.png}).
         *
         * @throws IOException when what the listener writes cannot be written
         */
        default void reportWritten(LcReport report, Path folder, String title) throws IOException {
        }
    }

    private final TrainableModel model;
    private final List<Task> tasks;
    /** The plan's schedule, or (derived) the one measured at DC, which replaces the provisional one. */
    private MuSchedule schedule;
    /** The plan's L-step, or (lr0 from the model) the one whose lr0 the range test measured. */
    private LStepSettings settings;
    private final TrainingData train;
    private final Dataset test;
    private final long seed;
    private final Listener listener;
    private final List<String> compressed;
    private final Path checkpoints;
    private final String fingerprint;
    /** The split the best nested model is chosen on, or null: its training loss then. */
    private final Dataset validation;

    private Theta[] theta;
    /** Θ of direct compression, kept to report what DC would store. */
    private List<Theta> directTheta;
    private Matrix[] lambda;
    private Row referenceRow;
    /** The reference's predicted test classes, for agreement (null for regression). */
    private int[] referencePredictions;
    private Evaluator testEvaluator;
    private final Objective objective;
    private final Objective testObjective;
    private BestNested best;
    private double learningRateFactor = 1;
    private int worseInARow;
    private double lastCriterion = Double.NaN;
    /** Times a derived schedule has grown μ so far: its next step runs at μ0·growth^growths. */
    private int growths;
    private String stop;
    private io.tflc.lc.distributed.Replica replica = io.tflc.lc.distributed.Replica.ALONE;

    /** A classifier's run: softmax cross-entropy on class-index targets, train and test. */
    public LcRun(TrainableModel model, List<Task> tasks, MuSchedule schedule, LStepSettings settings, Dataset train,
                 Dataset test, long seed, Listener listener, Path checkpoints, String fingerprint) {
        this(model, tasks, schedule, settings, train, test, new SoftmaxCrossEntropy(), new SoftmaxCrossEntropy(), seed,
                listener, checkpoints, fingerprint);
    }

    /**
     * @param objective what the L-step minimises on {@code train} (and how the train set is measured)
     * @param testObjective how {@code test} is measured (distillation trains on a reference's outputs but can be
     *     measured against labels)
     * @param checkpoints folder for the run's checkpoint, or null for none
     * @param fingerprint identifies the plan; a checkpoint with another fingerprint is not resumed
     */
    public LcRun(TrainableModel model, List<Task> tasks, MuSchedule schedule, LStepSettings settings,
                 TrainingData train, Dataset test, Objective objective, Objective testObjective, long seed,
                 Listener listener, Path checkpoints, String fingerprint) {
        this(model, tasks, schedule, settings, train, test, null, objective, testObjective, seed, listener,
                checkpoints, fingerprint);
    }

    /**
     * @param validation examples apart from {@code train} on which the best nested model is chosen (by
     *     {@code objective}'s loss), or null to choose by the nested model's training loss; never the test set
     */
    public LcRun(TrainableModel model, List<Task> tasks, MuSchedule schedule, LStepSettings settings,
                 TrainingData train, Dataset test, Dataset validation, Objective objective, Objective testObjective,
                 long seed, Listener listener, Path checkpoints, String fingerprint) {
        this.validation = validation;
        this.model = model;
        this.objective = objective;
        this.testObjective = testObjective;
        this.tasks = List.copyOf(tasks);
        this.schedule = schedule;
        this.settings = settings;
        this.train = train;
        this.test = test;
        this.seed = seed;
        this.listener = listener;
        this.checkpoints = checkpoints;
        this.fingerprint = fingerprint;
        Set<String> seen = new HashSet<>();
        for (Task task : tasks) {
            for (String weight : task.weights()) {
                model.weight(weight);
                if (!seen.add(weight)) {
                    throw new IllegalArgumentException("weight " + weight + " is in two tasks; a weight can be "
                            + "compressed by one task only (use an additive combination for several compressions)");
                }
            }
        }
        this.compressed = List.copyOf(seen.stream().sorted().toList());
    }

    /**
     * Makes this run one worker of a data-parallel run ({@link io.tflc.lc.distributed.Replica}): its L-step averages
     * gradients with the other workers, trains on its shard, and only worker 0 writes checkpoints (all read them on
     * resume). Every worker runs the rest (C-steps, evaluations, decisions) on identical weights and data.
     */
    public LcRun asReplica(io.tflc.lc.distributed.Replica replica) {
        this.replica = replica;
        return this;
    }

    /** Runs from the start, or ({@code resume}) from the checkpoint when there is one. */
    public LcReport run(boolean resume) throws IOException {
        List<Row> rows = new ArrayList<>();
        LStepGraph lstep = new LStepGraph(model, objective, compressed, settings.optimizer(), replica.reduction());
        testEvaluator = new Evaluator(model, testObjective);
        try (BatchSource batches = replica.trainingBatches(train, model, settings.batchSize());
             BatchSource trainEval = train.batchesFor(model, EVALUATION_BATCH);
             BatchSource testEval = test.batchesFor(model, EVALUATION_BATCH);
             BatchSource validationEval = validation == null ? null
                     : validation.batchesFor(model, EVALUATION_BATCH)) {
            Checkpoint checkpoint = resume && checkpoints != null ? Checkpoint.read(checkpoints) : null;
            int start;
            if (checkpoint != null) {
                restore(checkpoint, lstep, rows);
                start = checkpoint.completedSteps();
            } else {
                referenceRow = evaluate(lstep, trainEval, testEval, "reference", 0, 0, 0, List.of());
                emit(rows, referenceRow);
                if (settings.lr0FromModel()) {
                    measureLearningRate(lstep, batches);
                }
                Matrix[] reference = packAll(model.access().read(compressed));
                theta = new Theta[tasks.size()];
                lambda = new Matrix[tasks.size()];
                IntStream.range(0, tasks.size()).parallel().forEach(t -> {
                    theta[t] = cStep(t, reference[t], CStep.direct(schedule.mu0()),
                            "in the reference model (direct compression)").theta();
                    lambda[t] = Matrix.zeros(reference[t].rows(), reference[t].cols());
                });
                directTheta = List.of(theta);
                // A derived schedule's μ0 is not known yet: DC runs at the provisional μ0, which only penalty-form
                // C-steps read.
                Nested dcNested = nested(lstep, trainEval, testEval, validationEval, "direct_compression", 0,
                        schedule.mu0(), 0, reference);
                Row dc = dcNested.row();
                emit(rows, dc);
                if (schedule.derived()) {
                    double deltaLoss = dc.trainLoss() - referenceRow.trainLoss();
                    double distance = dc.tasks().stream().mapToDouble(Row.TaskRow::distance).sum();
                    schedule = MuFromModel.derive(schedule, deltaLoss, distance);
                    listener.notice(MuFromModel.describe(schedule, deltaLoss, distance));
                }
                lastCriterion = dcNested.criterion();
                best = snapshot(0, lastCriterion);
                save(0, lstep, rows);
                start = 0;
            }
            for (int j = start; j < schedule.steps(); j++) {
                double mu = schedule.mu(schedule.derived() ? growths : j);
                final int step = j + 1;
                Matrix[] w = lStep(lstep, batches, j, mu);
                if (w == null) {
                    break;
                }
                // × 1 unless the criterion got worse WORSE_STEPS times in a row or an L-step diverged.
                double lr = settings.learningRate(j) * learningRateFactor;
                IntStream.range(0, tasks.size()).parallel().forEach(t -> {
                    Matrix x = w[t].minus(scaled(lambda[t], 1 / mu));
                    Compressed c = cStep(t, x, CStep.of(mu, step, theta[t]), "after the L-step of LC step " + step
                            + " (μ=" + mu + ")");
                    theta[t] = c.theta();
                    lambda[t] = lambda[t].minus(scaled(w[t].minus(c.delta()), mu));
                });
                Nested stepNested = nested(lstep, trainEval, testEval, validationEval, "lc", step, mu, lr, w);
                emit(rows, stepNested.row());
                double bestBefore = best.criterion();
                judge(step, stepNested.criterion());
                if (schedule.derived()) {
                    adapt(step, bestBefore, stepNested.criterion());
                }
                save(step, lstep, rows);
            }
        }
        return new LcReport(rows, best.step(), criterionText(), stop, schedule, settings);
    }

    /**
     * LC step j's L-step at μ = {@code mu}: the weights it ends with, or null when it diverged {@value #RETRIES} times
     * more, each time run again from the weights and optimizer state it started from at half the
     * learning rate (which stays halved for the rest of the run); {@link #stop} then says why.
     */
    private Matrix[] lStep(LStepGraph lstep, BatchSource batches, int j, double mu) {
        int step = j + 1;
        lstep.setPenalty(mu, targets(mu));
        // What a retry starts from, this step's μ and targets included. The replicas of a data-parallel run hold
        // the same, and they judge divergence together (on their averaged epoch loss), so they retry together.
        Map<String, float[]> startWeights = model.access().readAll();
        Map<String, float[]> startState = lstep.state().readAll();
        for (int retried = 0; ; retried++) {
            double lr = settings.learningRate(j) * learningRateFactor;
            try {
                lstep.setLearningRate(lr);
                int epochs = settings.epochs(j);
                listener.stepStarted(step, schedule.steps(), mu, epochs, batches.count());
                SplittableRandom random = new SplittableRandom(seed * 1_000_003L + j);
                for (int e = 0; e < epochs; e++) {
                    double loss = trainEpoch(lstep, batches, random, j, mu, lr);
                    listener.epochFinished(step, e + 1, loss);
                }
                Matrix[] w = packAll(model.access().read(compressed));
                for (int t = 0; t < w.length; t++) {
                    Finite.require(w[t], "the weights of task " + tasks.get(t).name() + " after the L-step");
                }
                return w;
            } catch (DivergenceException | NonFiniteException e) {
                if (retried == RETRIES) {
                    // The live weights are lost, but the best nested model is not: the run ends with it as its
                    // result rather than with no model at all. The last checkpoint stays as it was.
                    stop = "LC step " + step + " diverged " + (RETRIES + 1) + " times, the last at lr=" + lr
                            + "; the run stopped there: " + e.getMessage();
                    listener.notice(stop);
                    return null;
                }
                // A rate at the edge of stability (a range test's largest stable rate, say) may diverge once the
                // penalty adds its pull: the step is worth another try, slower, rather than the run's end.
                learningRateFactor /= 2;
                model.access().assign(startWeights);
                lstep.state().assign(startState);
                listener.notice(String.format(java.util.Locale.ROOT, "LC step %d diverged at lr=%.3g (%s); it runs "
                        + "again from where it started at half that rate, which stays halved from then on (now %s × "
                        + "the plan's)", step, lr, e.getMessage(), learningRateFactor));
            }
        }
    }

    /**
     * Replaces the provisional lr0 by a range test's ({@link LearningRateRange}), probed on the validation split, else
     * on the training set when it is in memory; a streamed one without a split keeps the provisional lr0.
     */
    private void measureLearningRate(LStepGraph lstep, BatchSource batches) {
        Dataset probe = validation != null ? validation : train instanceof Dataset d ? d : null;
        if (probe == null) {
            listener.notice("learning rate: " + settings.lr0() + " (the default: a streamed training set without a "
                    + "validation split has no examples to probe a range test on)");
            return;
        }
        LearningRateRange.Result range = LearningRateRange.measure(model, lstep, compressed, batches, probe, seed);
        settings = settings.withLr0(range.lr0(settings.optimizer()));
        listener.notice(range.describe(settings.optimizer()));
    }

    /** What the best nested model is chosen by, as the report says it. */
    private String criterionText() {
        return validation == null ? "lowest nested training loss"
                : "lowest nested validation loss (" + validation.size() + " training examples held out)";
    }

    /** Keeps step {@code step}'s nested model when it is the best, and halves the learning rate after a bad run. */
    private void judge(int step, double value) {
        if (best.beatenBy(value)) {
            best = snapshot(step, value);
        }
        boolean worse = !(value <= lastCriterion);
        worseInARow = worse ? worseInARow + 1 : 0;
        lastCriterion = value;
        if (worseInARow == WORSE_STEPS) {
            learningRateFactor /= 2;
            worseInARow = 0;
            listener.notice(String.format(java.util.Locale.ROOT, "LC step %d: the nested %s got worse %d steps in a "
                    + "row: the learning rate is halved from step %d on (now %s × the plan's)", step,
                    validation == null ? "training loss" : "validation loss", WORSE_STEPS, step + 1,
                    learningRateFactor));
        }
    }

    /**
     * A derived schedule grows μ only after a step that did not improve the nested criterion by more than
     * {@link MuFromModel#PROGRESS} ({@link MuFromModel#grows}); otherwise the next step runs at the same μ.
     */
    private void adapt(int step, double bestBefore, double value) {
        if (MuFromModel.grows(bestBefore, value)) {
            growths++;
        } else if (step < schedule.steps()) {
            listener.notice(String.format(java.util.Locale.ROOT, "LC step %d: the nested %s is %.1f%% below the "
                    + "best before it (more than %.0f%%): μ stays at %.4g for step %d", step,
                    validation == null ? "training loss" : "validation loss", 100 * (bestBefore - value) / bestBefore,
                    100 * MuFromModel.PROGRESS, schedule.mu(growths), step + 1));
        }
    }

    /** The nested model now: Θ of every task and the current values of the weights outside the tasks. */
    private BestNested snapshot(int step, double value) {
        List<String> others = model.access().names().stream().filter(n -> !compressed.contains(n)).toList();
        return new BestNested(step, value, List.of(theta), model.access().read(others));
    }

    /** A C-step's Θ and Δ(Θ), decompressed once. */
    private record Compressed(Theta theta, Matrix delta) {
    }

    /**
     * One task's C-step Θ = Π(x), with the numbers going in and coming out checked: a NaN or a failure is reported
     * with the task, its weights and the LC step ({@code when}), not as a LAPACK code or a silently wrong model.
     */
    private Compressed cStep(int t, Matrix x, CStep step, String when) {
        Task task = tasks.get(t);
        String weights = "task " + task.name() + " (" + String.join(", ", task.weights()) + ")";
        try {
            Finite.require(x, "the weights of " + weights + " " + when);
        } catch (NonFiniteException e) {
            throw new CStepException(e.getMessage() + (step.lcStep() == 0
                    ? "; the model holds non-finite weights: check the SavedModel"
                    : "; the L-step diverged: lower lr0 or the μ growth in the plan"), e);
        }
        Theta result;
        try {
            result = task.compression().compress(x, step);
        } catch (ArithmeticException e) {
            throw new CStepException("the C-step of " + weights + " " + when + " failed: " + e.getMessage(), e);
        }
        Matrix delta = result.decompress();
        try {
            Finite.require(delta, "the C-step (" + task.compression().describe() + ") of " + weights + " " + when
                    + " returned non-finite values");
        } catch (NonFiniteException e) {
            throw new CStepException(e.getMessage(), e);
        }
        return new Compressed(result, delta);
    }

    private void save(int completed, LStepGraph lstep, List<Row> rows) throws IOException {
        if (checkpoints != null && replica.writes()) {
            new Checkpoint(fingerprint, completed, model.access().readAll(), lstep.state().readAll(),
                    directTheta, List.of(theta), List.of(lambda), List.copyOf(rows), referencePredictions, best,
                    learningRateFactor, worseInARow, lastCriterion, schedule, settings.lr0(), growths)
                    .write(checkpoints);
        }
    }

    private void restore(Checkpoint checkpoint, LStepGraph lstep, List<Row> rows) {
        if (!checkpoint.fingerprint().equals(fingerprint)) {
            throw new IllegalStateException("the checkpoint in " + checkpoints + " belongs to another plan or model; "
                    + "run without --resume (with --force) to start over");
        }
        if (!new HashSet<>(lstep.state().names()).equals(checkpoint.lStepVariables().keySet())) {
            // A plan without l_step takes its optimizer from the model (and from tf-lc's version): one that resolved
            // otherwise when the checkpoint was written has other optimizer slots.
            throw new IllegalStateException("the checkpoint in " + checkpoints + " was written by an L-step with "
                    + "another optimizer (its state " + new TreeSet<>(checkpoint.lStepVariables().keySet())
                    + ", this run's " + new TreeSet<>(lstep.state().names()) + "); give the plan's l_step the "
                    + "optimizer it ran with (the run's line 'L-step optimizer: …'), or run without --resume (with "
                    + "--force) to start over");
        }
        model.access().assign(checkpoint.modelVariables());
        lstep.state().assign(checkpoint.lStepVariables());
        directTheta = checkpoint.directThetas();
        theta = checkpoint.thetas().toArray(Theta[]::new);
        lambda = checkpoint.lambdas().toArray(Matrix[]::new);
        for (Row row : checkpoint.rows()) {
            emit(rows, row);
        }
        referenceRow = rows.get(0);
        referencePredictions = checkpoint.referencePredictions();
        best = checkpoint.best();
        learningRateFactor = checkpoint.learningRateFactor();
        worseInARow = checkpoint.worseInARow();
        lastCriterion = checkpoint.lastCriterion();
        if (schedule.derived()) {
            // Re-deriving would measure the partly trained model: the resumed run keeps the μ it started with.
            schedule = checkpoint.schedule();
            // A checkpoint from before μ adapted grew μ at every step.
            growths = checkpoint.muGrowths() < 0 ? checkpoint.completedSteps() : checkpoint.muGrowths();
        }
        if (settings.lr0FromModel() && !Double.isNaN(checkpoint.lr0())) {
            // Likewise the range test ran on the reference, which a resumed run no longer has.
            settings = settings.withLr0(checkpoint.lr0());
        }
    }

    /** Sets the model's weights to Δ(Θ) of the last C-step: the last step's nested model, as dense weights. */
    public void applyCompressedWeights() {
        model.access().assign(decompressedWeights(List.of(theta)));
    }

    /**
     * Sets every model weight to the best nested model's ({@link BestNested}): Δ(Θ) in the tasks, that step's
     * values outside them. This is what a run exports.
     */
    public void applyBestWeights() {
        model.access().assign(best.otherWeights());
        model.access().assign(decompressedWeights(best.thetas()));
    }

    /** The best nested model after {@link #run}: its step, criterion and Θ. */
    public BestNested best() {
        return best;
    }

    private Map<String, float[]> decompressedWeights(List<Theta> thetas) {
        Map<String, float[]> decompressed = new LinkedHashMap<>();
        for (int t = 0; t < tasks.size(); t++) {
            decompressed.putAll(tasks.get(t).unpack(thetas.get(t).decompress()));
        }
        return decompressed;
    }

    /** The compressed parameters after {@link #run()}, one per task. */
    public List<Theta> thetas() {
        return List.of(theta);
    }

    /** Θ of direct compression (the reference compressed at μ0), one per task. */
    public List<Theta> directThetas() {
        return directTheta;
    }

    private double trainEpoch(LStepGraph lstep, BatchSource batches, SplittableRandom random, int j, double mu,
                              double lr) {
        LStepGraph.EpochLoss loss;
        try {
            loss = lstep.epoch(batches, random, listener::batchFinished);
        } catch (DivergenceException e) {
            throw new DivergenceException("LC step " + (j + 1) + " (μ=" + mu + ", lr=" + lr + "): " + e.getMessage()
                    + ". Lower lr0 or the μ growth in the plan.");
        }
        if (loss.data() > Math.max(EXPLOSION * referenceRow.trainLoss(), 10)) {
            throw new DivergenceException("LC step " + (j + 1) + " (μ=" + mu + ", lr=" + lr + "): the loss "
                    + "exploded to " + loss.data() + " (reference " + referenceRow.trainLoss() + "). Lower lr0 or μ0.");
        }
        return loss.total();
    }

    /** Targets Δ(Θ) + λ/μ, unpacked per weight. */
    private Map<String, float[]> targets(double mu) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (int t = 0; t < tasks.size(); t++) {
            out.putAll(tasks.get(t).unpack(theta[t].decompress().plus(scaled(lambda[t], 1 / mu))));
        }
        return out;
    }

    /** A nested model's row and the criterion the best one is chosen by. */
    private record Nested(Row row, double criterion) {
    }

    /**
     * Evaluates the nested model (weights := Δ(Θ)) and puts the live weights back; while the nested weights are in
     * place, also its loss on the validation split when there is one (else its training loss is the criterion).
     */
    private Nested nested(LStepGraph lstep, BatchSource trainEval, BatchSource testEval, BatchSource validationEval,
                          String stage, int step, double mu, double lr, Matrix[] live) {
        Map<String, float[]> liveWeights = model.access().read(compressed);
        Map<String, float[]> decompressed = new LinkedHashMap<>();
        List<Row.TaskRow> taskRows = new ArrayList<>();
        for (int t = 0; t < tasks.size(); t++) {
            Matrix delta = theta[t].decompress();
            decompressed.putAll(tasks.get(t).unpack(delta));
            taskRows.add(new Row.TaskRow(tasks.get(t).name(), tasks.get(t).compression().describe(), theta[t].bits(),
                    live[t].squaredDistance(delta), detail(theta[t])));
        }
        model.access().assign(decompressed);
        try {
            Row row = evaluate(lstep, trainEval, testEval, stage, step, mu, lr, taskRows);
            return new Nested(row, validationEval == null ? row.trainLoss() : lstep.evaluate(validationEval).loss());
        } finally {
            model.access().assign(liveWeights);
        }
    }

    private Row evaluate(LStepGraph lstep, BatchSource trainEval, BatchSource testEval, String stage, int step,
                         double mu, double lr, List<Row.TaskRow> taskRows) {
        Evaluator.Evaluation onTrain = lstep.evaluate(trainEval);
        Evaluator.Evaluation onTest = testEvaluator.evaluate(testEval);
        if (referencePredictions == null) {
            referencePredictions = onTest.predictions();
        }
        long referenceBits = 32L * model.weights().stream().mapToLong(ModelWeight::size).sum();
        long bits = referenceBits;
        if (!taskRows.isEmpty()) {
            bits = 32L * model.weights().stream().filter(w -> !compressed.contains(w.name()))
                    .mapToLong(ModelWeight::size).sum() + taskRows.stream().mapToLong(Row.TaskRow::bits).sum();
        }
        return new Row(stage, step, mu, lr, onTrain.loss(), onTrain.error(), onTest.loss(), onTest.error(), bits,
                (double) referenceBits / bits, taskRows, onTest.metric("top5_error"), onTest.metric("mae"),
                onTest.metric("rmse"), agreement(onTest.predictions()));
    }

    /** Share of test examples on which {@code predictions} match the reference's; NaN for regression. */
    private double agreement(int[] predictions) {
        if (predictions == null || referencePredictions == null) {
            return Double.NaN;
        }
        int same = 0;
        for (int i = 0; i < predictions.length; i++) {
            same += predictions[i] == referencePredictions[i] ? 1 : 0;
        }
        return (double) same / predictions.length;
    }

    private void emit(List<Row> rows, Row row) {
        rows.add(row);
        listener.row(row);
    }

    private Matrix[] packAll(Map<String, float[]> weights) {
        return tasks.stream().map(t -> t.pack(weights)).toArray(Matrix[]::new);
    }

    private static Matrix scaled(Matrix m, double factor) {
        double[] v = m.toArray();
        for (int i = 0; i < v.length; i++) {
            v[i] *= factor;
        }
        return Matrix.of(m.rows(), m.cols(), v);
    }

    /** A short description of what a Θ holds, for reports. */
    static String detail(Theta theta) {
        if (theta instanceof Quantized q) {
            return "codebook of " + q.codebook().length;
        } else if (theta instanceof SparseValues s) {
            return s.kept() + " kept of " + (s.rows() * s.cols());
        } else if (theta instanceof LowRankFactors f) {
            return "rank " + f.rank();
        } else if (theta instanceof Uncompressed u) {
            return "full rank " + Math.min(u.rows(), u.cols());
        } else if (theta instanceof VectorQuantized v) {
            return v.codebook().rows() + " vectors of " + v.dimension();
        } else if (theta instanceof SparseFactors f) {
            return f.codebook().rows() + "×" + f.dimension() + " factor, " + f.terms() + " term(s) per vector";
        } else if (theta instanceof AdditiveSum sum) {
            return sum.parts().stream().map(LcRun::detail).collect(Collectors.joining(" + "));
        }
        throw new IllegalStateException("unknown Θ " + theta);
    }
}
