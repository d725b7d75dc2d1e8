package io.tflc.compressors;

/**
 * A compression type: its C-step Θ = Π(x) minimises ‖x − Δ(Θ)‖² + (2/μ)·penalty(Θ) over the Θ the type allows,
 * where x = w − λ/μ is the view of the weights. Constraint forms have no penalty; penalty forms (ℓ0/ℓ1 penalties,
 * rank selection) trade their cost α·C(Θ) against the distance. Implementations are immutable specs.
 */
public interface Compression {

    /** The C-step. Returns a Θ of the same shape as {@code x}. */
    Theta compress(Matrix x, CStep step);

    /** The penalty term α·C(Θ) of penalty forms; 0 for constraint forms. */
    default double penalty(Theta theta) {
        return 0;
    }

    /** Short name for reports and errors, e.g. {@code "adaptive_codebook(k=4)"}. */
    String describe();

    /**
     * The C-step objective ‖x − Δ(Θ)‖² + (2/μ)·penalty(Θ), in the scale of the toolkit's formulation
     * (μ/2 times it is the LC penalty term plus α·C(Θ)).
     */
    default double objective(Matrix x, Theta theta, double mu) {
        double distance = x.squaredDistance(theta.decompress());
        double penalty = penalty(theta);
        return penalty == 0 ? distance : distance + 2 * penalty / mu;
    }
}
