package io.tflc.compressors.pruning;

import io.tflc.compressors.CStep;
import io.tflc.compressors.Compression;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.SparseValues;
import io.tflc.compressors.Theta;

/**
 * Pruning by an ℓ0 penalty α‖θ‖₀: the exact C-step of ‖x − θ‖² + (2α/μ)‖θ‖₀ is the hard threshold
 * keep x_i iff |x_i| &gt; √(2α/μ). Needs μ &gt; 0 (see {@link CStep}).
 */
public record L0Penalty(double alpha) implements Compression {

    public L0Penalty {
        if (!(alpha >= 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("ℓ0 penalty needs a finite α ≥ 0, got " + alpha);
        }
    }

    @Override
    public Theta compress(Matrix x, CStep step) {
        double threshold = Math.sqrt(2 * alpha / step.positiveMu(describe()));
        return Sparsify.of(x, i -> Math.abs(x.at(i)) > threshold ? x.at(i) : 0);
    }

    @Override
    public double penalty(Theta theta) {
        return alpha * ((SparseValues) theta).kept();
    }

    @Override
    public String describe() {
        return "l0_penalty(alpha=" + alpha + ")";
    }
}
