package io.tflc.lc.sensitivity;

import java.util.List;

/**
 * The result of a sensitivity run: the uncompressed model's figures and, per compressible weight, each ladder
 * entry's, all on the same validation split.
 *
 * @param objective the objective's name (what the loss is)
 * @param measure the headline measure: {@code error} for classifiers, {@code mae} for regression ({@code loss}
 *     for an objective with neither)
 * @param validationExamples the size of the validation split
 * @param reference the model as it is
 * @param weights one per compressible weight, in the model's order
 */
public record SensitivityReport(String objective, String measure, int validationExamples, Measured reference,
                                List<WeightSensitivity> weights) {
    public SensitivityReport {
        weights = List.copyOf(weights);
    }

    /** The headline measure of {@code measured}. */
    public double headline(Measured measured) {
        return measure.equals("loss") ? measured.loss() : measured.metric(measure);
    }

    /** How much {@code trial} raises the headline measure over the reference (negative: it lowers it). */
    public double change(Trial trial) {
        return headline(trial.measured()) - headline(reference);
    }

    /** How much {@code trial} raises the validation loss over the reference. */
    public double lossChange(Trial trial) {
        return trial.measured().loss() - reference.loss();
    }

    /** The headline measure's name for tables and charts: {@code error}, {@code MAE} or {@code loss}. */
    public String measureTitle() {
        return measure.equals("mae") ? "MAE" : measure;
    }

    /** Whether the headline measure is a rate (shown in percent and points) rather than a distance (MAE). */
    public boolean rate() {
        return measure.contains("error");
    }
}
