package io.tflc.lc.algorithm;

/** μ_j = μ0·growth^j for the LC steps j = 0..steps−1; direct compression runs at μ0. */
public record MuSchedule(double mu0, double growth, int steps) {
    public MuSchedule {
        if (!(mu0 > 0) || !(growth >= 1) || steps < 0) {
            throw new IllegalArgumentException("μ schedule needs μ0 > 0, growth ≥ 1 and steps ≥ 0; got μ0=" + mu0
                    + ", growth=" + growth + ", steps=" + steps);
        }
    }

    public double mu(int step) {
        return mu0 * Math.pow(growth, step);
    }
}
