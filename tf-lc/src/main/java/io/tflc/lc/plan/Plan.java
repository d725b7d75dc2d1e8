package io.tflc.lc.plan;

import io.tflc.lc.algorithm.LStepSettings;
import io.tflc.lc.algorithm.MuSchedule;
import java.nio.file.Path;
import java.util.List;

/**
 * An LC run as a plan file states it. Relative paths in the file are relative to the file's folder.
 *
 * @param model the SavedModel to compress and how to call it
 * @param data where the labelled data is
 * @param tasks what to compress and how
 * @param seed seeds minibatch shuffling (and so, with the same plan, the whole run)
 * @param output the folder the run writes its report and compressed model to
 */
public record Plan(Model model, Data data, Prune prune, List<TaskSpec> tasks, MuSchedule schedule,
                   LStepSettings lStep, long seed, Path output) {

    public Plan {
        tasks = List.copyOf(tasks);
    }

    /** The same plan writing to another folder. */
    public Plan withOutput(Path folder) {
        return new Plan(model, data, prune, tasks, schedule, lStep, seed, folder);
    }

    /**
     * Structured pruning before LC (null: none): {@code method} id or magnitude, {@code keep} a share of units per
     * layer or {@code flopsTarget} a share of FLOPs (one of the two is NaN), on {@code images} unlabeled training
     * images.
     */
    public record Prune(String method, double keep, double flopsTarget, int images) {
    }

    /**
     * The model: a SavedModel folder, the signature to use, its input and output names (null: the only one), and
     * the factor its input expects pixel values 0..255 to be multiplied by (null: the data's scale).
     */
    public record Model(Path savedModel, String signature, String input, String output, Float inputScale) {
    }

    /**
     * Labelled data in the MNIST file layout ({train,t10k}-{images-idx3,labels-idx1}-ubyte.gz), pixel values
     * multiplied by {@code scale}; {@code trainLimit}/{@code testLimit} keep the first examples only (0: all).
     * With {@code splitTrain} &gt; 0 only the t10k set is used: shuffled with {@code splitSeed}, its first
     * {@code splitTrain} examples train and the rest test (for a folder that holds a test set only).
     */
    public record Data(Path idxDir, float scale, int trainLimit, int testLimit, int splitTrain, long splitSeed) {
    }
}
