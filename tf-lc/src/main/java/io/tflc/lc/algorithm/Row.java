package io.tflc.lc.algorithm;

import java.util.List;

/**
 * One row of an LC report: the reference, direct compression, or the nested model after LC step {@code step}.
 *
 * @param stage {@code reference}, {@code direct_compression} or {@code lc}
 * @param step the LC step (1-based), 0 for the reference and DC
 * @param mu μ of the step (μ0 for DC, 0 for the reference)
 * @param bits storage of all weights: the tasks' Θ plus 32 bits per weight outside any task
 * @param compressionRatio 32 bits per weight of the reference divided by {@code bits}
 * @param tasks per-task detail (empty for the reference)
 */
public record Row(String stage, int step, double mu, double learningRate, double trainLoss, double trainError,
                  double testLoss, double testError, long bits, double compressionRatio, List<TaskRow> tasks)
        implements java.io.Serializable {

    /**
     * @param distance ‖w − Δ(Θ)‖² of the task's view (0 at DC)
     * @param detail what Θ is, e.g. "k=2", "rank 17", "12,345 kept"
     */
    public record TaskRow(String task, String compression, long bits, double distance, String detail)
            implements java.io.Serializable {
    }
}
