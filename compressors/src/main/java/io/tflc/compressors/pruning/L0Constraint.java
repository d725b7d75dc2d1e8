package io.tflc.compressors.pruning;

import io.tflc.compressors.CStep;
import io.tflc.compressors.Compression;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.SparseValues;
import io.tflc.compressors.Theta;
import java.util.Objects;

/**
 * Pruning to at most κ nonzero weights (‖θ‖₀ ≤ κ): the exact C-step keeps the κ weights of largest |x|
 * (ties broken by position). κ is a count, or a fraction of the view's size rounded to the nearest count.
 *
 * @param count κ as a number of weights, or −1 when {@code fraction} is used
 * @param fraction κ as a share of the weights in [0, 1], or NaN when {@code count} is used
 */
public record L0Constraint(long count, double fraction) implements Compression {

    public L0Constraint {
        boolean byCount = count >= 0 && Double.isNaN(fraction);
        boolean byFraction = count == -1 && fraction >= 0 && fraction <= 1;
        if (!byCount && !byFraction) {
            throw new IllegalArgumentException(
                    "ℓ0 constraint needs κ as a count ≥ 0 or as a fraction in [0, 1]; got count=" + count
                            + ", fraction=" + fraction);
        }
    }

    /** Keep at most {@code kappa} weights. */
    public static L0Constraint keep(long kappa) {
        return new L0Constraint(kappa, Double.NaN);
    }

    /** Keep at most round(share · size) weights. */
    public static L0Constraint keepFraction(double share) {
        return new L0Constraint(-1, share);
    }

    /** κ for a view of {@code size} weights. */
    public long kappa(int size) {
        return count >= 0 ? Math.min(count, size) : Math.round(fraction * size);
    }

    @Override
    public Theta compress(Matrix x, CStep step) {
        int n = x.size();
        int kappa = (int) kappa(n);
        if (kappa == 0) {
            return new SparseValues(x.rows(), x.cols(), new int[0], new double[0]);
        }
        double threshold = Sparsify.magnitudeAtRank(x, n - kappa);
        long above = 0;
        for (int i = 0; i < n; i++) {
            if (Math.abs(x.at(i)) > threshold) {
                above++;
            }
        }
        // Weights at exactly the threshold fill the places left, first positions first.
        long tiesLeft = kappa - above;
        boolean[] keep = new boolean[n];
        for (int i = 0; i < n; i++) {
            double m = Math.abs(x.at(i));
            keep[i] = m > threshold || (m == threshold && tiesLeft-- > 0);
        }
        return Sparsify.of(x, i -> keep[i] ? x.at(i) : 0);
    }

    @Override
    public String describe() {
        return count >= 0 ? "l0_constraint(kappa=" + count + ")" : "l0_constraint(fraction=" + fraction + ")";
    }

    @Override
    public String toString() {
        return describe();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof L0Constraint c && c.count == count
                && Double.compare(c.fraction, fraction) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(count, fraction);
    }
}
