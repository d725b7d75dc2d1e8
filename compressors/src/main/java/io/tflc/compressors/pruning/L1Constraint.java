package io.tflc.compressors.pruning;

import io.tflc.compressors.CStep;
import io.tflc.compressors.Compression;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.Theta;

/**
 * Pruning by an ℓ1 budget (‖θ‖₁ ≤ κ): the C-step is the exact Euclidean projection onto the ℓ1 ball,
 * θ = sign(x)·max(|x| − τ, 0) with τ found from the sorted |x| (Duchi et al., ICML 2008), O(n log n).
 * x inside the ball is returned as it is.
 */
public record L1Constraint(double kappa) implements Compression {

    public L1Constraint {
        if (!(kappa >= 0) || Double.isInfinite(kappa)) {
            throw new IllegalArgumentException("ℓ1 constraint needs a finite κ ≥ 0, got " + kappa);
        }
    }

    @Override
    public Theta compress(Matrix x, CStep step) {
        double tau = threshold(x);
        return Sparsify.of(x, i -> Math.signum(x.at(i)) * Math.max(Math.abs(x.at(i)) - tau, 0));
    }

    /** The soft threshold τ ≥ 0 whose shrinkage lands on the ball's surface (0 inside the ball). */
    double threshold(Matrix x) {
        double[] sorted = Sparsify.sortedMagnitudes(x);
        int n = sorted.length;
        double total = 0;
        for (double v : sorted) {
            total += v;
        }
        if (total <= kappa) {
            return 0;
        }
        // Largest ρ with u_ρ > (Σ_{i≤ρ} u_i − κ)/ρ, u sorted decreasingly (ρ = 1 always qualifies, at κ = 0 too);
        // τ = (Σ_{i≤ρ} u_i − κ)/ρ.
        double prefix = 0;
        double tau = 0;
        for (int rho = 1; rho <= n; rho++) {
            double u = sorted[n - rho];
            prefix += u;
            double candidate = (prefix - kappa) / rho;
            if (rho == 1 || u > candidate) {
                tau = candidate;
            } else {
                break;
            }
        }
        return tau;
    }

    @Override
    public String describe() {
        return "l1_constraint(kappa=" + kappa + ")";
    }
}
