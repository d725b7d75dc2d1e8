package io.tflc.compressors.lowrank;

import io.tflc.compressors.CStep;
import io.tflc.compressors.Compression;
import io.tflc.compressors.LowRankFactors;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.Theta;
import io.tflc.compressors.Uncompressed;

/**
 * Low-rank compression that learns the rank (Idelbayev &amp; Carreira-Perpiñán, CVPR 2020): the C-step solves
 * min_r α·C(r) + μ/2·Σ_{i&gt;r} s_i² exactly, by one SVD and a scan over r = 0..min(m, n).
 *
 * <p>C(r) = r·(m + n)·{@code costPerParameter}: with 1 it counts stored parameters; for FLOPs pass the
 * multiply-adds one factor parameter costs per example (1 for a dense layer, the output's H·W for a convolution).
 * With {@code normalize} the distance term is divided by ‖x‖², which makes α comparable across layers. Needs
 * μ &gt; 0 (see {@link CStep}).
 *
 * <p>With an {@code alignment} a &gt; 1 (a layer exported in factored form, whose rank is a channel count that CPU
 * kernels process in blocks of a), the rank r* the criterion chooses is then rounded <em>up</em> to a multiple of
 * a, and the factors are the truncated SVD at that rank. Rounding up never raises the distance term (it only falls
 * with the rank), so whatever error the criterion accepted still holds, and a rank within one block costs about the
 * time of the block's largest: the extra ranks are nearly free in latency and only cost storage. Rounding to the
 * nearest multiple could round down and exceed the error the criterion accepted, so it is not done. When the
 * rounded rank would reach min(m, n) (where factors stop paying) r* stays as it is.
 */
public record RankSelection(double alpha, double costPerParameter, boolean normalize, int alignment)
        implements Compression {

    public RankSelection {
        if (!(alpha >= 0) || Double.isInfinite(alpha) || !(costPerParameter > 0)) {
            throw new IllegalArgumentException("rank selection needs α ≥ 0 and a cost per parameter > 0; got α="
                    + alpha + ", cost per parameter=" + costPerParameter);
        }
        if (alignment < 1) {
            throw new IllegalArgumentException("rank selection's alignment is " + alignment + "; it must be at least "
                    + "1 (1: any rank)");
        }
    }

    /** Ranks as the criterion chooses them (no alignment). */
    public RankSelection(double alpha, double costPerParameter, boolean normalize) {
        this(alpha, costPerParameter, normalize, 1);
    }

    /** Storage criterion, no normalisation. */
    public RankSelection(double alpha) {
        this(alpha, 1, false);
    }

    /** The same criterion with ranks rounded up to multiples of {@code a}. */
    public RankSelection aligned(int a) {
        return new RankSelection(alpha, costPerParameter, normalize, a);
    }

    /**
     * {@code rank} rounded up to a multiple of {@code alignment}, or {@code rank} itself when that multiple would
     * reach {@code fullRank}.
     */
    static int roundUp(int rank, int alignment, int fullRank) {
        int up = (rank + alignment - 1) / alignment * alignment;
        return up < fullRank ? up : rank;
    }

    @Override
    public Theta compress(Matrix x, CStep step) {
        double mu = step.positiveMu(describe());
        Svd svd = Svd.of(x);
        double[] tail = svd.tailEnergy();
        double scale = normalize && tail[0] > 0 ? 1 / tail[0] : 1;
        int best = 0;
        double bestValue = Double.POSITIVE_INFINITY;
        for (int r = 0; r < tail.length; r++) {
            double value = alpha * cost(r, x.rows(), x.cols()) + mu / 2 * tail[r] * scale;
            if (value < bestValue) {
                bestValue = value;
                best = r;
            }
        }
        if (best >= Math.min(x.rows(), x.cols())) {
            return new Uncompressed(x);
        }
        best = roundUp(best, alignment, Math.min(x.rows(), x.cols()));
        Matrix[] factors = svd.truncate(best);
        return new LowRankFactors(factors[0], factors[1]);
    }

    /** α·C(rank of Θ). */
    @Override
    public double penalty(Theta theta) {
        int rank = theta instanceof LowRankFactors f ? f.rank() : Math.min(theta.rows(), theta.cols());
        return alpha * cost(rank, theta.rows(), theta.cols());
    }

    /** With {@code normalize}, the distance term is the one divided by ‖x‖², as in the C-step. */
    @Override
    public double objective(Matrix x, Theta theta, double mu) {
        double norm = x.squaredNorm();
        double scale = normalize && norm > 0 ? 1 / norm : 1;
        return x.squaredDistance(theta.decompress()) * scale + 2 * penalty(theta) / mu;
    }

    private double cost(int rank, int rows, int cols) {
        return (double) rank * (rows + cols) * costPerParameter;
    }

    @Override
    public String describe() {
        return "rank_selection(alpha=" + alpha + ", cost_per_parameter=" + costPerParameter
                + (normalize ? ", normalized" : "") + (alignment > 1 ? ", ranks aligned to " + alignment : "") + ")";
    }
}
