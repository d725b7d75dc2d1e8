package io.tflc.lc.verify;

import io.tflc.savedmodels.SavedModelSize;
import java.util.Locale;

/**
 * A compressed model checked against its original on the same labelled data: for classifiers accuracies and
 * agreement (share of examples on which both predict the same class), for regression models mean absolute errors
 * (the others NaN); sizes on disk, and median latency per batch.
 */
public record Verification(int examples, double originalAccuracy, double compressedAccuracy, double agreement,
                           double originalMae, double compressedMae, SavedModelSize originalSize,
                           SavedModelSize compressedSize, double originalMillisPerBatch,
                           double compressedMillisPerBatch, int batchSize) {

    public boolean regression() {
        return Double.isNaN(originalAccuracy);
    }

    /** How much larger the compressed model's MAE is, relative to the original's (0.05: 5% larger). */
    public double maeIncrease() {
        return compressedMae / originalMae - 1;
    }

    /** The broken budgets of a regression model (MAE may grow by {@code maxMaeIncrease}, relative). */
    public String violations(double maxMaeIncrease) {
        return maeIncrease() > maxMaeIncrease ? String.format(Locale.ROOT, "MAE grew %.1f%% (budget %.1f%%)",
                100 * maeIncrease(), 100 * maxMaeIncrease) : "";
    }

    /** Accuracy lost, in percentage points (negative when the compressed model is better). */
    public double accuracyDropPoints() {
        return 100 * (originalAccuracy - compressedAccuracy);
    }

    /** The broken budgets, or an empty string when both hold. */
    public String violations(double maxAccuracyDropPoints, double minAgreement) {
        StringBuilder broken = new StringBuilder();
        if (accuracyDropPoints() > maxAccuracyDropPoints) {
            broken.append(String.format(Locale.ROOT, "accuracy dropped %.2f points (budget %.2f)",
                    accuracyDropPoints(), maxAccuracyDropPoints));
        }
        if (agreement < minAgreement) {
            broken.append(broken.isEmpty() ? "" : "; ").append(String.format(Locale.ROOT,
                    "agreement %.4f below %.4f", agreement, minAgreement));
        }
        return broken.toString();
    }

    /** Throws an {@link AssertionError} naming the broken budgets: for use in JUnit tests of a serving pipeline. */
    public void assertWithin(double maxAccuracyDropPoints, double minAgreement) {
        String broken = violations(maxAccuracyDropPoints, minAgreement);
        if (!broken.isEmpty()) {
            throw new AssertionError("compressed model outside its budget: " + broken + "\n" + summary());
        }
    }

    /** A regression model's budget, for JUnit: throws an {@link AssertionError} when the MAE grew too much. */
    public void assertMaeWithin(double maxMaeIncrease) {
        String broken = violations(maxMaeIncrease);
        if (!broken.isEmpty()) {
            throw new AssertionError("compressed model outside its budget: " + broken + "\n" + summary());
        }
    }

    public String summary() {
        if (regression()) {
            return String.format(Locale.ROOT, """
                    examples            %,d
                    MAE                 original %.4g, compressed %.4g (%+.1f%%)
                    bytes on disk       original %,d, compressed %,d (%.1f× smaller; gzipped %,d vs %,d)
                    latency per batch   original %.3f ms, compressed %.3f ms (ratio %.3f, batch %d, medians)""",
                    examples, originalMae, compressedMae, 100 * maeIncrease(), originalSize.total(),
                    compressedSize.total(), compressedSize.ratio(originalSize), originalSize.gzipped(),
                    compressedSize.gzipped(), originalMillisPerBatch, compressedMillisPerBatch,
                    compressedMillisPerBatch / originalMillisPerBatch, batchSize);
        }
        return String.format(Locale.ROOT, """
                examples            %,d
                accuracy            original %.2f%%, compressed %.2f%% (drop %.2f points)
                agreement           %.2f%%
                bytes on disk       original %,d, compressed %,d (%.1f× smaller; gzipped %,d vs %,d)
                latency per batch   original %.3f ms, compressed %.3f ms (ratio %.3f, batch %d, medians)""",
                examples, 100 * originalAccuracy, 100 * compressedAccuracy, accuracyDropPoints(), 100 * agreement,
                originalSize.total(), compressedSize.total(), compressedSize.ratio(originalSize),
                originalSize.gzipped(), compressedSize.gzipped(), originalMillisPerBatch, compressedMillisPerBatch,
                compressedMillisPerBatch / originalMillisPerBatch, batchSize);
    }
}
