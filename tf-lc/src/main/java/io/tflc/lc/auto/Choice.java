package io.tflc.lc.auto;

import io.tflc.compressors.lowrank.FixedRank;
import io.tflc.lc.sensitivity.SensitivityReport;
import io.tflc.lc.sensitivity.Trial;
import io.tflc.lc.sensitivity.WeightSensitivity;

/**
 * One weight's compression in an allocation: a rung of its sensitivity ladder, or none (the weight stays 32-bit).
 *
 * @param weight the weight and its measured ladder
 * @param trial the chosen rung, null for none
 */
public record Choice(WeightSensitivity weight, Trial trial) {

    /** The weight left as it is. */
    public static Choice none(WeightSensitivity weight) {
        return new Choice(weight, null);
    }

    public boolean compressed() {
        return trial != null;
    }

    /** The compression as {@code compress --task} writes it ({@code codebook:2}, …), or {@code none}. */
    public String spec() {
        return trial == null ? "none" : trial.entry().spec();
    }

    /** The weight's storage under this choice. */
    public long bits() {
        return trial == null ? weight.referenceBits() : trial.bits();
    }

    /**
     * The layer's FLOPs per example under this choice: a rank-r factorisation of the m×n view runs r(m + n)
     * multiply-adds where the dense layer runs mn; other compressions decode to a dense weight and change nothing.
     */
    public double flops() {
        if (trial != null && trial.entry().compression() instanceof FixedRank rank) {
            return weight.flops() * (double) rank.rank() * (weight.rows() + weight.cols())
                    / ((double) weight.rows() * weight.cols());
        }
        return weight.flops();
    }

    /**
     * What the choice cost on the validation split when only this weight was directly compressed: the rise of the
     * headline measure (error, MAE), never below 0 (a rung that happened to measure better is not a gain to spend
     * elsewhere); 0 for none.
     */
    public double cost(SensitivityReport report) {
        return trial == null ? 0 : Math.max(0, report.change(trial));
    }

    /** The validation loss's rise under direct compression (0 for none): the tie-breaker between equal costs. */
    public double lossChange(SensitivityReport report) {
        return trial == null ? 0 : report.lossChange(trial);
    }
}
