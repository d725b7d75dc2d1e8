package io.tflc.compressors;

import java.util.Optional;

/**
 * What a C-step is told besides the weights: the penalty μ of this LC step, the step's number, and the Θ the
 * previous C-step of the same task returned (for warm starts).
 *
 * <p>Direct compression (DC) is LC step 0 with no previous Θ. Penalty forms (ℓ0/ℓ1 penalties, rank selection)
 * trade α against μ/2·‖x − Δ(Θ)‖²; at μ = 0 they would return an empty model, so the LC driver calls DC with
 * the first μ of its schedule, μ0, and these forms reject μ ≤ 0.
 *
 * @param mu the LC penalty parameter μ (≥ 0)
 * @param lcStep 0 for direct compression, j for the j-th LC step
 * @param previous the Θ the previous C-step of this task returned, if any
 */
public record CStep(double mu, int lcStep, Optional<Theta> previous) {

    public CStep {
        if (!(mu >= 0) || Double.isInfinite(mu)) {
            throw new IllegalArgumentException("μ must be finite and ≥ 0, got " + mu);
        }
        if (lcStep < 0) {
            throw new IllegalArgumentException("LC step must be ≥ 0, got " + lcStep);
        }
    }

    /** Direct compression at μ0, the first μ of the schedule. */
    public static CStep direct(double mu0) {
        return new CStep(mu0, 0, Optional.empty());
    }

    /** The C-step of LC step {@code lcStep} at {@code mu}, warm-started from {@code previous}. */
    public static CStep of(double mu, int lcStep, Theta previous) {
        return new CStep(mu, lcStep, Optional.ofNullable(previous));
    }

    /** The same step and μ with another previous Θ (used by the parts of an additive combination). */
    public CStep withPrevious(Theta theta) {
        return new CStep(mu, lcStep, Optional.ofNullable(theta));
    }

    /** μ for forms that need μ > 0, with an error that says why and what to do. */
    public double positiveMu(String form) {
        if (!(mu > 0)) {
            throw new IllegalArgumentException(form + " needs μ > 0 (at μ = 0 its optimum is the empty model); "
                    + "direct compression runs it at μ0, the first μ of the schedule");
        }
        return mu;
    }
}
