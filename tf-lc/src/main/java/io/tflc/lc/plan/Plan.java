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
public record Plan(Model model, Data data, List<TaskSpec> tasks, MuSchedule schedule, LStepSettings lStep,
                   long seed, Path output) {

    public Plan {
        tasks = List.copyOf(tasks);
    }

    /** The model: a SavedModel folder, the signature to use, its input and output names (null: the only one). */
    public record Model(Path savedModel, String signature, String input, String output) {
    }

    /**
     * Labelled data in the MNIST file layout ({train,t10k}-{images-idx3,labels-idx1}-ubyte.gz), pixel values
     * multiplied by {@code scale}; {@code trainLimit}/{@code testLimit} keep the first examples only (0: all).
     */
    public record Data(Path idxDir, float scale, int trainLimit, int testLimit) {
    }
}
