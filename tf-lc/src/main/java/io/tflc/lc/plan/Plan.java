package io.tflc.lc.plan;

import io.tflc.lc.algorithm.LStepSettings;
import io.tflc.lc.algorithm.MuSchedule;
import io.tflc.lc.data.DataSources;
import io.tflc.lc.data.DataSpec;
import io.tflc.lc.lstep.Optimizer;
import io.tflc.lc.objective.Distillation;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * An LC run as a plan file states it. Relative paths in the file are relative to the file's folder.
 *
 * @param model the SavedModel to compress and how to call it
 * @param data where the data is and how it is read
 * @param loss what the L-step minimises
 * @param lStep how each L-step trains; null: {@link #defaultLStep}, sized to the training set
 * @param tasks what to compress and how
 * @param seed seeds minibatch shuffling (and so, with the same plan, the whole run)
 * @param output the folder the run writes its report and compressed model to
 * @param foldBatchNorm fold inference-mode BatchNorm into the layers before it as soon as the model is loaded, so
 *     that the weights compressed are the ones that run ({@link io.tflc.savedmodels.BatchNormFolding}); a plan
 *     that does not say folds when it has a factored task, whose export should have no BatchNorm left
 * @param align the multiple that ranks of factored rank-selection tasks are rounded up to, and that a fixed rank is
 *     compared with after export (0: the alignment measured on the running machine; 1: none); pruning's too when
 *     {@code prune.align} is not given
 */
public record Plan(Model model, Data data, Loss loss, Prune prune, List<TaskSpec> tasks, MuSchedule schedule,
                   LStepSettings lStep, long seed, Path output, boolean foldBatchNorm, int align) {

    /**
     * μ0 = 0.01 growing ×1.3 for 30 steps: what the shipped Keras plans use, and what fills in a plan's schedule that
     * gives μ0 or growth but not all three. A plan with no schedule, or only its steps, derives μ from the model
     * ({@link MuSchedule#fromModel}).
     */
    public static final MuSchedule DEFAULT_SCHEDULE = new MuSchedule(0.01, 1.3, 30);
    /** Minibatch updates an L-step makes at least when the plan leaves the L-step to tf-lc. */
    static final int MIN_UPDATES = 200;
    private static final int BATCH = 64;

    /**
     * The L-step when the plan has none ({@code lStep} null): the kind of optimizer the model was trained with, batch
     * 64, learning rate lr0·0.98^j with lr0 from a range test on the reference
     * ({@link io.tflc.lc.algorithm.LearningRateRange}; 0.001 until then), and as many epochs as make at least 200
     * minibatch updates (at least 2), so that a small data set (313 rows of Auto MPG: 5 minibatches) still trains as
     * long as a large one.
     * <ul>
     *   <li>Adam (β1 0.9) when the SavedModel holds an adaptive optimizer's slots ({@code optimizerSlots} has any
     *       but SGD's {@code momentum}, TF1's {@code Momentum}: Adam's {@code m} and {@code v} or TF1's {@code Adam},
     *       RMSprop's {@code rms}, Adagrad's {@code accumulator}), and under distillation. Adam's steps do not scale
     *       with the loss, so it serves cross-entropies and squared errors of any size; and they are about lr long
     *       even where the gradient vanishes, so its range test means something at the teacher, where a distilled
     *       student starts with no gradient at all (SGD's test there stayed flat up to a rate of 0.13, at which the
     *       L-step diverged).</li>
     *   <li>SGD with Nesterov momentum 0.9 otherwise: a model saved with SGD's momentum or with no optimizer at all
     *       (a TF1 inference graph, tf-lc's own exports). SGD fine-tunes a model SGD trained better than Adam does:
     *       on the two LeNets trained here, codebook:2, one-line {@code compress} on seeds 1–3, LeNet5 9.69, 10.71
     *       and 9.46% test error (Adam on seeds 1 and 2: 11.36 and 12.46%), LeNet300 11.33, 11.01 and 11.42% (Adam
     *       11.68, 11.24 and 11.32%); the README's "compress".</li>
     * </ul>
     *
     * @param distilled the run learns the reference's own outputs ({@link Distillation})
     */
    public static LStepSettings defaultLStep(int trainExamples, Set<String> optimizerSlots, boolean distilled) {
        int batches = Math.max(1, (trainExamples + BATCH - 1) / BATCH);
        int epochs = Math.max(2, (MIN_UPDATES + batches - 1) / batches);
        boolean adaptive = distilled || optimizerSlots.stream().anyMatch(slot -> !slot.equalsIgnoreCase("momentum"));
        return new LStepSettings(epochs, epochs, BATCH, new Optimizer(adaptive ? Optimizer.ADAM
                : Optimizer.SGD_NESTEROV, 0.9), 0.001, 0.98, true);
    }

    /**
     * The plan's L-step, or {@link #defaultLStep} for {@code trainExamples}, the slots of the optimizer the model was
     * saved with ({@link io.tflc.savedmodels.OptimizerSlots}) and the objective when it gives none.
     */
    public LStepSettings lStep(int trainExamples, Set<String> optimizerSlots, boolean distilled) {
        return lStep != null ? lStep : defaultLStep(trainExamples, optimizerSlots, distilled);
    }

    public Plan {
        tasks = List.copyOf(tasks);
    }

    /** A plan that keeps BatchNorm as it is. */
    public Plan(Model model, Data data, Loss loss, Prune prune, List<TaskSpec> tasks, MuSchedule schedule,
                LStepSettings lStep, long seed, Path output) {
        this(model, data, loss, prune, tasks, schedule, lStep, seed, output, false);
    }

    /** A plan with the alignment measured on the running machine. */
    public Plan(Model model, Data data, Loss loss, Prune prune, List<TaskSpec> tasks, MuSchedule schedule,
                LStepSettings lStep, long seed, Path output, boolean foldBatchNorm) {
        this(model, data, loss, prune, tasks, schedule, lStep, seed, output, foldBatchNorm, 0);
    }

    /** The same plan writing to another folder. */
    public Plan withOutput(Path folder) {
        return new Plan(model, data, loss, prune, tasks, schedule, lStep, seed, folder, foldBatchNorm, align);
    }

    /**
     * Structured pruning before LC (null: none): {@code method} id or magnitude, {@code keep} a share of units per
     * layer or {@code flopsTarget} a share of FLOPs (one of the two is NaN), on {@code images} unlabeled training
     * images, unit counts in multiples of {@code align} (0: the alignment measured on the running machine).
     */
    public record Prune(String method, double keep, double flopsTarget, int images, int align) {
        /** With the measured alignment. */
        public Prune(String method, double keep, double flopsTarget, int images) {
            this(method, keep, flopsTarget, images, 0);
        }
    }

    /**
     * The model: a SavedModel folder, the signature to use, its input and output names (null: the only one), and
     * the factor its input expects pixel values 0..255 to be multiplied by (null: the data's scale).
     */
    public record Model(Path savedModel, String signature, String input, String output, Float inputScale) {
    }

    /**
     * The data: one {@code source} (split with {@code splitTrain} &gt; 0: shuffled with {@code splitSeed}, its first
     * {@code splitTrain} examples train and the rest test; an {@code idx:DIR} source without a split is DIR's
     * train-* and t10k-* files), or a {@code train} and a {@code test} source; each {@code KIND:PATH} with an
     * absolute path. {@code trainLimit}/{@code testLimit} keep the first examples only (0: all). With
     * {@code stream}, a {@code tfrecord:} train source is read as training goes, through a shuffle buffer of
     * {@code shuffleBuffer} examples, and never held in memory; {@code streamCache} says whether its parsed examples
     * are cached in a temporary folder on the first pass and read from there on the later ones (disk: about the
     * records' size; deleted after the run). {@code validation} &gt; 0 holds that many training
     * examples out (seeded by the plan's seed) to choose the best nested model on; 0: it is chosen by training loss;
     * {@link #AUTO_VALIDATION}: the default split, min(5,000, 20%) of the training set, none below 1,000 examples.
     */
    public record Data(String source, String train, String test, DataSpec spec, int trainLimit, int testLimit,
                       int splitTrain, long splitSeed, boolean stream, int shuffleBuffer, int validation,
                       StreamCache streamCache) {
        /** {@code validation}'s value for the default split ({@code "validation": "auto"} in a plan). */
        public static final int AUTO_VALIDATION = -1;

        /**
         * Whether a streamed training set's parsed blocks are cached on disk for the passes after the first:
         * {@code AUTO} (the default) when the temporary folder has room for them twice over, parsing every pass
         * otherwise (the run says which); {@code ON} and {@code OFF} as the plan or the command line asks.
         */
        public enum StreamCache { AUTO, ON, OFF }

        /** Whether training examples are held out to choose the best nested model on. */
        public boolean validates() {
            return validation != 0;
        }

        /** The files and folders the data is read from (a run's output must lie apart from them). */
        public List<Path> paths() {
            return java.util.stream.Stream.of(source, train, test).filter(java.util.Objects::nonNull)
                    .flatMap(s -> DataSources.paths(s).stream()).toList();
        }
    }

    /**
     * The objective: {@code auto}, {@code softmax_cross_entropy}, {@code sigmoid_cross_entropy}, {@code mse},
     * {@code mae} or {@code distill} (with its {@code temperature}).
     */
    public record Loss(String name, double temperature) {
        public static final Loss AUTO = new Loss("auto", Distillation.DEFAULT_TEMPERATURE);
    }
}
