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
 */
public record RankSelection(double alpha, double costPerParameter, boolean normalize) implements Compression {

    public RankSelection {
        if (!(alpha >= 0) || Double.isInfinite(alpha) || !(costPerParameter > 0)) {
            throw new IllegalArgumentException("rank selection needs α ≥ 0 and a cost per parameter > 0; got α="
                    + alpha + ", cost per parameter=" + costPerParameter);
        }
    }

    /** Storage criterion, no normalisation. */
    public RankSelection(double alpha) {
        this(alpha, 1, false);
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
                + (normalize ? ", normalized" : "") + ")";
    }
}
