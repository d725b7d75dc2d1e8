package io.tflc.lc.sensitivity;

import io.tflc.compressors.additive.AdditiveCombination;
import io.tflc.compressors.lowrank.FixedRank;
import io.tflc.compressors.pruning.L0Constraint;
import io.tflc.compressors.quantization.AdaptiveCodebook;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The compressions each weight is tried with, from mild to harsh within each family: an adaptive codebook of
 * k = 16, 4, 2 values, an ℓ0 constraint keeping 50%, 20%, 5% of the weights, and low rank at 1/2, 1/4 and 1/10 of
 * the break-even rank r0 = mn/(m + n) of the m×n view (where rank r stores 32·r·(m + n) bits against 32·mn, so
 * only r < r0 saves anything; ranks that round to the same value are tried once, and none when even rank 1 saves
 * nothing), and one additive combination, a k = 2 codebook plus 1% of ℓ0 corrections, the combination that
 * beats both of its parts on LeNet300 (README), so that {@code auto} can choose it.
 */
public final class Ladder {
    static final int[] CODEBOOK_SIZES = {16, 4, 2};
    static final double[] KEPT_SHARES = {0.5, 0.2, 0.05};
    static final int[] RANK_DIVISORS = {2, 4, 10};
    /** The additive rung: codebook size and kept share of its corrections. */
    static final int COMBINED_K = 2;
    static final double COMBINED_KEPT = 0.01;

    private Ladder() {
    }

    /** The ladder of a weight whose view is a {@code rows}×{@code cols} matrix. */
    public static List<LadderEntry> of(int rows, int cols) {
        List<LadderEntry> entries = new ArrayList<>();
        for (int k : CODEBOOK_SIZES) {
            entries.add(new LadderEntry(LadderEntry.Family.CODEBOOK, "codebook k=" + k, "codebook:" + k,
                    new AdaptiveCodebook(k)));
        }
        for (double share : KEPT_SHARES) {
            String percent = String.format(Locale.ROOT, "%.0f%%", 100 * share);
            entries.add(new LadderEntry(LadderEntry.Family.PRUNING, "keep " + percent, "prune:" + share,
                    L0Constraint.keepFraction(share)));
        }
        double breakEven = breakEvenRank(rows, cols);
        Set<Integer> ranks = new LinkedHashSet<>();
        for (int divisor : RANK_DIVISORS) {
            int rank = Math.max(1, (int) Math.floor(breakEven / divisor));
            if (rank < breakEven && ranks.add(rank)) {
                entries.add(new LadderEntry(LadderEntry.Family.LOW_RANK, "rank r0/" + divisor, "rank:" + rank,
                        new FixedRank(rank)));
            }
        }
        entries.add(new LadderEntry(LadderEntry.Family.COMBINED, "k=2 + keep 1%",
                "codebook:" + COMBINED_K + "+prune:" + COMBINED_KEPT, new AdditiveCombination(List.of(
                        new AdaptiveCodebook(COMBINED_K), L0Constraint.keepFraction(COMBINED_KEPT)))));
        return List.copyOf(entries);
    }

    /** r0 = mn/(m + n): the rank at which two factors take as many values as the matrix. */
    public static double breakEvenRank(int rows, int cols) {
        return (double) rows * cols / (rows + cols);
    }
}
