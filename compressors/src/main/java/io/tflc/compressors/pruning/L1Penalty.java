package io.tflc.compressors.pruning;

import io.tflc.compressors.CStep;
import io.tflc.compressors.Compression;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.SparseValues;
import io.tflc.compressors.Theta;

/**
 * Pruning by an ℓ1 penalty α‖θ‖₁: the exact C-step of ‖x − θ‖² + (2α/μ)‖θ‖₁ is the soft threshold
 * θ = sign(x)·max(|x| − α/μ, 0). Needs μ &gt; 0 (see {@link CStep}). Unlike the other types this is a proximal
 * step, not a projection: applying it twice shrinks twice.
 */
public record L1Penalty(double alpha) implements Compression {

    public L1Penalty {
        if (!(alpha >= 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("ℓ1 penalty needs a finite α ≥ 0, got " + alpha);
        }
    }

    @Override
    public Theta compress(Matrix x, CStep step) {
        double shrink = alpha / step.positiveMu(describe());
        return Sparsify.of(x, i -> Math.signum(x.at(i)) * Math.max(Math.abs(x.at(i)) - shrink, 0));
    }

    @Override
    public double penalty(Theta theta) {
        double norm = 0;
        for (double v : ((SparseValues) theta).values()) {
            norm += Math.abs(v);
        }
        return alpha * norm;
    }

    @Override
    public String describe() {
        return "l1_penalty(alpha=" + alpha + ")";
    }
}
