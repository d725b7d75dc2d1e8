package io.tflc.compressors.nativemath;

import io.tflc.compressors.CStep;
import io.tflc.compressors.LowRankFactors;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.id.Interpolation;
import io.tflc.compressors.id.PivotedQr;
import io.tflc.compressors.id.StackedR;
import io.tflc.compressors.lowrank.FixedRank;
import io.tflc.compressors.lowrank.RankSelection;
import io.tflc.compressors.lowrank.Svd;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * Run in its own JVM by {@link CoreTypesTest}, under one OpenBLAS core type: the native-math paths of the C-steps
 * and of ID pruning on LeNet300-sized problems, one line per result ({@code name value value …}), so that runs under
 * different kernels can be compared number by number. Exits non-zero (with the check's message) when the native
 * self-check fails.
 */
public final class NativeMathProbe {

    public static void main(String[] args) {
        NativeBlas.ready();
        // A 784×300 layer with a decaying spectrum, as trained weights have.
        Matrix w = lowRankPlusNoise(784, 300, 40, 1);
        print("svd.s", Svd.of(w).s());
        LowRankFactors rank10 = (LowRankFactors) new FixedRank(10).compress(w, CStep.direct(1));
        print("fixed_rank.error", w.squaredDistance(rank10.decompress()));
        print("fixed_rank.u", rank10.u().toArray());
        print("rank_selection.rank", new RankSelection(1e-4).compress(w, CStep.direct(1e-3)).decompress().rows());
        print("product", w.times(rank10.v().transpose()).toArray());

        // ID pruning as StructuredPruner runs it: Z of 2,000 examples × 64 units, in blocks of 100 rows.
        Matrix z = lowRankPlusNoise(2000, 64, 12, 2);
        StackedR stack = new StackedR(64);
        double[] all = z.toArray();
        for (int b = 0; b < 20; b++) {
            stack.add(Arrays.copyOfRange(all, b * 100 * 64, (b + 1) * 100 * 64), 100);
        }
        Matrix r = stack.r();
        print("stacked_r.diagonal", diagonal(r));
        Interpolation id = Interpolation.of(PivotedQr.of(r), 16);
        print("id.kept", Arrays.stream(id.kept()).asDoubleStream().toArray());
        print("id.error", id.error());
        print("id.t", id.t().toArray());
    }

    /** A matrix of rank {@code rank} with singular values 1, 0.9, 0.81, … plus small noise. */
    private static Matrix lowRankPlusNoise(int m, int n, int rank, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] out = new double[m * n];
        for (int k = 0; k < rank; k++) {
            double[] left = new double[m];
            double[] right = new double[n];
            Arrays.setAll(left, i -> random.nextGaussian() / Math.sqrt(m));
            Arrays.setAll(right, i -> random.nextGaussian() / Math.sqrt(n));
            double scale = Math.pow(0.9, k) * 10;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    out[i * n + j] += scale * left[i] * right[j];
                }
            }
        }
        for (int i = 0; i < out.length; i++) {
            out[i] += 1e-3 * random.nextGaussian();
        }
        return Matrix.of(m, n, out);
    }

    private static double[] diagonal(Matrix r) {
        double[] d = new double[Math.min(r.rows(), r.cols())];
        Arrays.setAll(d, i -> Math.abs(r.get(i, i)));
        return d;
    }

    private static void print(String name, double... values) {
        System.out.println(name + " " + Arrays.stream(values).mapToObj(Double::toString).collect(Collectors.joining(" ")));
    }
}
