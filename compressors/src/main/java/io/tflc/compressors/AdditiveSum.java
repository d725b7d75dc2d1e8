package io.tflc.compressors;

import java.util.Arrays;
import java.util.List;

/**
 * Δ(Θ) = Δ1(Θ1) + Δ2(Θ2) + …: the parts of an additive combination, in the order of its compressions.
 * Bits: the sum of the parts' bits.
 *
 * @param parts one Θ per compression of the combination
 * @param sweepObjectives the C-step objective after each alternating sweep that produced this Θ (diagnostics)
 */
public record AdditiveSum(List<Theta> parts, double[] sweepObjectives) implements Theta {

    public AdditiveSum {
        parts = List.copyOf(parts);
        sweepObjectives = sweepObjectives.clone();
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("an additive combination needs at least one part");
        }
        for (Theta part : parts) {
            if (part.rows() != parts.get(0).rows() || part.cols() != parts.get(0).cols()) {
                throw new IllegalArgumentException("parts of different shapes: " + parts);
            }
        }
    }

    @Override
    public double[] sweepObjectives() {
        return sweepObjectives.clone();
    }

    @Override
    public int rows() {
        return parts.get(0).rows();
    }

    @Override
    public int cols() {
        return parts.get(0).cols();
    }

    @Override
    public Matrix decompress() {
        Matrix sum = parts.get(0).decompress();
        for (int i = 1; i < parts.size(); i++) {
            sum = sum.plus(parts.get(i).decompress());
        }
        return sum;
    }

    @Override
    public long bits() {
        return parts.stream().mapToLong(Theta::bits).sum();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AdditiveSum s && parts.equals(s.parts) && Arrays.equals(sweepObjectives, s.sweepObjectives);
    }

    @Override
    public int hashCode() {
        return parts.hashCode();
    }

    @Override
    public String toString() {
        return "AdditiveSum" + parts;
    }
}
