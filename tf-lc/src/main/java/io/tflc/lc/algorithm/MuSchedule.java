package io.tflc.lc.algorithm;


/**
 * μ_j = μ0·growth^j for the LC steps j = 0..steps−1; direct compression runs at μ0.
 *
 * @param derived μ0 and growth are to be (or were) derived from the model at direct compression
 *     ({@link MuFromModel}) rather than given by the plan; until then μ0 and growth are provisional
 */
public record MuSchedule(double mu0, double growth, int steps, boolean derived) {

    public MuSchedule {
        if (!(mu0 > 0) || !(growth >= 1) || steps < 0) {
            throw new IllegalArgumentException("μ schedule needs μ0 > 0, growth ≥ 1 and steps ≥ 0; got μ0=" + mu0
                    + ", growth=" + growth + ", steps=" + steps);
        }
    }

    /** A schedule the plan gives. */
    public MuSchedule(double mu0, double growth, int steps) {
        this(mu0, growth, steps, false);
    }

    /**
     * A schedule of {@code steps} steps whose μ0 is derived from the model after direct compression. DC itself
     * needs a μ before that (only penalty-form C-steps read it): the provisional {@link MuFromModel#PROVISIONAL_MU0}.
     */
    public static MuSchedule fromModel(int steps) {
        return new MuSchedule(MuFromModel.PROVISIONAL_MU0, MuFromModel.growth(steps), steps, true);
    }

    public double mu(int step) {
        return mu0 * Math.pow(growth, step);
    }
}
