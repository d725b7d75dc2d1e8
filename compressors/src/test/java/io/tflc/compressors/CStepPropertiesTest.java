package io.tflc.compressors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.compressors.additive.AdditiveCombination;
import io.tflc.compressors.lowrank.FixedRank;
import io.tflc.compressors.lowrank.RankSelection;
import io.tflc.compressors.pruning.L0Constraint;
import io.tflc.compressors.pruning.L0Penalty;
import io.tflc.compressors.pruning.L1Constraint;
import io.tflc.compressors.quantization.AdaptiveCodebook;
import io.tflc.compressors.quantization.Binary;
import io.tflc.compressors.quantization.FixedCodebook;
import io.tflc.compressors.quantization.ScaledBinary;
import io.tflc.compressors.quantization.ScaledTernary;
import io.tflc.compressors.quantization.VectorQuantization;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/** Feasibility, idempotence and monotone additive sweeps on random inputs (jqwik). */
class CStepPropertiesTest {

    /** Gaussian values; every third seed rounds them to one decimal so that ties and repeats occur. */
    private static Matrix input(long seed, int rows, int cols) {
        Random random = new Random(seed);
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextGaussian();
            if (seed % 3 == 0) {
                v[i] = Math.round(v[i] * 10) / 10.0;
            }
        }
        return Matrix.of(rows, cols, v);
    }

    @Property(tries = 60)
    void codebooksUseAtMostKValues(@ForAll long seed, @ForAll @IntRange(min = 1, max = 20) int rows,
                                   @ForAll @IntRange(min = 1, max = 20) int cols, @ForAll @IntRange(min = 1, max = 9) int k) {
        Matrix x = input(seed, rows, cols);
        assertTrue(distinct(new AdaptiveCodebook(k).compress(x, CStep.direct(1)).decompress()) <= k);
        assertTrue(distinct(new Binary().compress(x, CStep.direct(1)).decompress()) <= 2);
        assertTrue(distinct(new ScaledBinary().compress(x, CStep.direct(1)).decompress()) <= 2);
        assertTrue(distinct(new ScaledTernary().compress(x, CStep.direct(1)).decompress()) <= 3);
    }

    @Property(tries = 60)
    void pruningRespectsItsBudget(@ForAll long seed, @ForAll @IntRange(min = 1, max = 30) int n,
                                  @ForAll @IntRange(min = 0, max = 30) int kappa,
                                  @ForAll @DoubleRange(min = 0, max = 5) double radius) {
        Matrix x = input(seed, 1, n);
        assertTrue(nonzeros(L0Constraint.keep(kappa).compress(x, CStep.direct(1)).decompress()) <= kappa);
        double norm = Arrays.stream(new L1Constraint(radius).compress(x, CStep.direct(1)).decompress().toArray())
                .map(Math::abs).sum();
        assertTrue(norm <= radius * (1 + 1e-12) + 1e-12, "‖θ‖₁ = " + norm + " > κ = " + radius);
    }

    @Property(tries = 40)
    void lowRankRespectsItsRank(@ForAll long seed, @ForAll @IntRange(min = 1, max = 12) int rows,
                                @ForAll @IntRange(min = 1, max = 12) int cols, @ForAll @IntRange(min = 0, max = 12) int r) {
        Matrix x = input(seed, rows, cols);
        Matrix low = new FixedRank(r).compress(x, CStep.direct(1)).decompress();
        double[] s2 = BruteForce.squaredSingularValues(low);
        double largest = s2.length == 0 ? 0 : s2[0];
        long rank = Arrays.stream(s2).filter(v -> v > 1e-12 * Math.max(largest, 1e-12)).count();
        assertTrue(rank <= r, "rank " + rank + " > " + r);
    }

    /** Π(Π(x)) = Π(x) for every type that is a projection (the ℓ1 penalty is a shrinkage, not a projection). */
    @Property(tries = 40)
    void projectionsAreIdempotent(@ForAll long seed, @ForAll @IntRange(min = 1, max = 10) int rows,
                                  @ForAll @IntRange(min = 1, max = 10) int cols) {
        Matrix x = input(seed, rows, cols);
        List<Compression> projections = List.of(new AdaptiveCodebook(3), new Binary(), new ScaledBinary(),
                new ScaledTernary(), new FixedCodebook(new double[] {-0.5, 0, 1}), L0Constraint.keepFraction(0.3),
                new L1Constraint(1.5), new L0Penalty(0.1), new FixedRank(2), new RankSelection(0.01),
                new VectorQuantization(2, cols));
        for (Compression c : projections) {
            Matrix once = c.compress(x, CStep.direct(1)).decompress();
            Matrix twice = c.compress(once, CStep.direct(1)).decompress();
            double scale = Math.max(once.squaredNorm(), 1);
            assertTrue(once.squaredDistance(twice) <= 1e-18 * scale + 1e-20,
                    c.describe() + " is not idempotent: moved by " + once.squaredDistance(twice));
        }
    }

    @Property(tries = 40)
    void additiveSweepsNeverIncreaseTheObjective(@ForAll long seed, @ForAll @IntRange(min = 2, max = 15) int rows,
                                                 @ForAll @IntRange(min = 2, max = 15) int cols) {
        Matrix x = input(seed, rows, cols);
        List<AdditiveCombination> combinations = List.of(
                new AdditiveCombination(List.of(new AdaptiveCodebook(2), L0Constraint.keepFraction(0.05))),
                new AdditiveCombination(List.of(new FixedRank(1), L0Constraint.keepFraction(0.1))),
                new AdditiveCombination(List.of(new ScaledBinary(), new ScaledTernary(), new L0Penalty(0.05))));
        for (AdditiveCombination c : combinations) {
            AdditiveSum sum = (AdditiveSum) c.compress(x, CStep.direct(0.5));
            double[] sweeps = sum.sweepObjectives();
            for (int i = 1; i < sweeps.length; i++) {
                assertTrue(sweeps[i] <= sweeps[i - 1] * (1 + 1e-12) + 1e-15,
                        c.describe() + " rose at sweep " + i + ": " + Arrays.toString(sweeps));
            }
            assertEquals(sweeps[sweeps.length - 1], c.objective(x, sum, 0.5),
                    1e-9 * Math.max(1, sweeps[sweeps.length - 1]));
            // Warm-started from its own result, a C-step cannot end higher.
            AdditiveSum again = (AdditiveSum) c.compress(x, CStep.of(0.5, 1, sum));
            assertTrue(c.objective(x, again, 0.5) <= c.objective(x, sum, 0.5) * (1 + 1e-12) + 1e-15);
        }
    }

    private static long distinct(Matrix m) {
        return Arrays.stream(m.toArray()).distinct().count();
    }

    private static long nonzeros(Matrix m) {
        return Arrays.stream(m.toArray()).filter(v -> v != 0).count();
    }
}
