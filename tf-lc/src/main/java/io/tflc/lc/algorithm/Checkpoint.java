package io.tflc.lc.algorithm;

import io.tflc.compressors.Matrix;
import io.tflc.compressors.Theta;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The full state of an LC run after a completed step: every model variable, the L-step's variables (optimizer
 * slots, μ, learning rate, targets), Θ and λ of every task, and the report rows so far. Minibatch shuffling needs
 * no state: each LC step seeds its own generator from (seed, step).
 *
 * @param fingerprint identifies the plan (and model) the run belongs to; a resume with another plan is refused
 * @param completedSteps LC steps done (0: only the reference and DC)
 * @param directThetas Θ of direct compression, for its size on disk in the report
 * @param referencePredictions the reference's predicted test classes (agreement), null for regression
 * @param best the best nested model so far (what is exported)
 * @param learningRateFactor what the plan's learning rate is multiplied by (halved each time the nested criterion
 *     got worse several steps in a row)
 * @param worseInARow LC steps in a row, up to the last, whose nested criterion was worse than the step before
 * @param lastCriterion the nested criterion of the last completed step
 * @param schedule the μ schedule the run uses (a derived one is measured once, at DC)
 * @param lr0 the L-step's lr0 the run uses (a range test's is measured once, on the reference); NaN: not
 *     known (written before it was kept)
 * @param muGrowths times a derived schedule has grown μ (its next step runs at μ0·growth^muGrowths); −1: unknown
 *     (written before μ adapted, when it grew at every step)
 */
public record Checkpoint(String fingerprint, int completedSteps, Map<String, float[]> modelVariables,
                         Map<String, float[]> lStepVariables, List<Theta> directThetas, List<Theta> thetas,
                         List<Matrix> lambdas, List<Row> rows, int[] referencePredictions, BestNested best,
                         double learningRateFactor, int worseInARow, double lastCriterion,
                         MuSchedule schedule, double lr0, int muGrowths) {

    /** The file whose presence in a checkpoint folder means there is a checkpoint. */
    public static final String MANIFEST = CheckpointFormat.MANIFEST;

    /**
     * Writes to {@code folder}, replacing its checkpoint atomically: a failure (a full disk) leaves the previous one
     * whole.
     *
     * @throws IOException naming what could not be written
     */
    public void write(Path folder) throws IOException {
        CheckpointFormat.write(this, folder, Files::newOutputStream);
    }

    /**
     * The checkpoint in {@code folder}, or null when there is none.
     *
     * @throws DamagedCheckpointException when its files are truncated, garbled or missing
     * @throws IOException when it was written in a later format version (the message names it) or cannot be read
     */
    public static Checkpoint read(Path folder) throws IOException {
        return CheckpointFormat.read(folder);
    }
}
