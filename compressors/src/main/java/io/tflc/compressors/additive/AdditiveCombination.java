package io.tflc.compressors.additive;

import io.tflc.compressors.AdditiveSum;
import io.tflc.compressors.CStep;
import io.tflc.compressors.Compression;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.Theta;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An additive combination w = Δ1(Θ1) + Δ2(Θ2) + … of any compressions (Idelbayev &amp; Carreira-Perpiñán,
 * ECML-PKDD 2021): e.g. a 1-bit codebook plus 1% float corrections, or low rank plus sparse.
 *
 * <p>The C-step alternates over the parts: part i is compressed against the residual x − Σ_{j≠i} Δj(Θj), which
 * is its own exact C-step with the others fixed, so the objective ‖x − ΣΔ‖² + (2/μ)·Σ penalties never increases.
 * Sweeps stop when a sweep lowers it by less than {@code tolerance} (relative) or after {@code maxSweeps}. The
 * parts start from the previous Θ (warm start) or, at the first C-step, from zero. The objective after each
 * sweep is kept in the returned {@link AdditiveSum}.
 */
public record AdditiveCombination(List<Compression> parts, int maxSweeps, double tolerance) implements Compression {

    public AdditiveCombination {
        parts = List.copyOf(parts);
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("an additive combination needs at least one compression");
        }
        if (maxSweeps < 1 || !(tolerance >= 0)) {
            throw new IllegalArgumentException("maxSweeps must be ≥ 1 and tolerance ≥ 0");
        }
    }

    /** At most 100 sweeps, stopping when a sweep gains less than 1e-9 of the objective. */
    public AdditiveCombination(List<Compression> parts) {
        this(parts, 100, 1e-9);
    }

    @Override
    public Theta compress(Matrix x, CStep step) {
        List<Theta> thetas = start(x, step);
        Matrix[] decompressed = new Matrix[parts.size()];
        for (int i = 0; i < decompressed.length; i++) {
            decompressed[i] = thetas.get(i) == null ? Matrix.zeros(x.rows(), x.cols()) : thetas.get(i).decompress();
        }
        List<Double> objectives = new ArrayList<>();
        double previous = Double.POSITIVE_INFINITY;
        for (int sweep = 0; sweep < maxSweeps; sweep++) {
            for (int i = 0; i < parts.size(); i++) {
                Matrix residual = x;
                for (int j = 0; j < parts.size(); j++) {
                    if (j != i) {
                        residual = residual.minus(decompressed[j]);
                    }
                }
                Theta theta = parts.get(i).compress(residual, step.withPrevious(thetas.get(i)));
                thetas.set(i, theta);
                decompressed[i] = theta.decompress();
            }
            double objective = objective(x, decompressed, thetas, step.mu());
            objectives.add(objective);
            if (sweep > 0 && previous - objective <= tolerance * previous) {
                break;
            }
            previous = objective;
        }
        return new AdditiveSum(thetas, objectives.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** The previous Θ's parts when it came from a combination of the same size, else nothing (zeros). */
    private List<Theta> start(Matrix x, CStep step) {
        List<Theta> thetas = new ArrayList<>(Arrays.asList(new Theta[parts.size()]));
        if (step.previous().orElse(null) instanceof AdditiveSum sum && sum.parts().size() == parts.size()
                && sum.rows() == x.rows() && sum.cols() == x.cols()) {
            for (int i = 0; i < parts.size(); i++) {
                thetas.set(i, sum.parts().get(i));
            }
        }
        return thetas;
    }

    private double objective(Matrix x, Matrix[] decompressed, List<Theta> thetas, double mu) {
        Matrix total = decompressed[0];
        for (int i = 1; i < decompressed.length; i++) {
            total = total.plus(decompressed[i]);
        }
        double penalty = 0;
        for (int i = 0; i < parts.size(); i++) {
            penalty += parts.get(i).penalty(thetas.get(i));
        }
        return x.squaredDistance(total) + (penalty == 0 ? 0 : 2 * penalty / mu);
    }

    @Override
    public double penalty(Theta theta) {
        AdditiveSum sum = (AdditiveSum) theta;
        double penalty = 0;
        for (int i = 0; i < parts.size(); i++) {
            penalty += parts.get(i).penalty(sum.parts().get(i));
        }
        return penalty;
    }

    @Override
    public String describe() {
        return parts.stream().map(Compression::describe).collect(Collectors.joining(" + "));
    }
}
