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
 * @param trainError, testError share of wrong predictions (classifiers; NaN for regression)
 * @param testTop5Error with more than 10 classes, else NaN
 * @param testMae, testRmse regression, else NaN
 * @param agreement share of test examples predicted as the reference predicts them (NaN for regression)
 */
public record Row(String stage, int step, double mu, double learningRate, double trainLoss, double trainError,
                  double testLoss, double testError, long bits, double compressionRatio, List<TaskRow> tasks,
                  double testTop5Error, double testMae, double testRmse, double agreement) {

    /** The figure a run is judged by: test error for classifiers, test MAE for regression. */
    public double headline() {
        return Double.isNaN(testError) ? testMae : testError;
    }

    /** {@link #headline} as text: "test error 10.86%" or "test MAE 1.923". */
    public String headlineText() {
        return Double.isNaN(testError) ? String.format(java.util.Locale.ROOT, "test MAE %.4g", testMae)
                : String.format(java.util.Locale.ROOT, "test error %.2f%%", 100 * testError);
    }

    /**
     * @param distance ‖w − Δ(Θ)‖² of the task's view (0 at DC)
     * @param detail what Θ is, e.g. "k=2", "rank 17", "12,345 kept"
     */
    public record TaskRow(String task, String compression, long bits, double distance, String detail) {
    }
}
