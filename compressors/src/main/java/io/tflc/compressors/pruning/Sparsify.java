package io.tflc.compressors.pruning;

import io.tflc.compressors.DoubleSort;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.SparseValues;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.IntToDoubleFunction;

/** Builds a {@link SparseValues} from a dense result, keeping only its nonzeros. */
final class Sparsify {
    private Sparsify() {
    }

    /** The nonzeros of {@code valueAt(i)} over the positions i of x. */
    static SparseValues of(Matrix x, IntToDoubleFunction valueAt) {
        int n = x.size();
        int[] positions = new int[n];
        double[] values = new double[n];
        int kept = 0;
        for (int i = 0; i < n; i++) {
            double v = valueAt.applyAsDouble(i);
            if (v != 0) {
                positions[kept] = i;
                values[kept] = v;
                kept++;
            }
        }
        return new SparseValues(x.rows(), x.cols(), Arrays.copyOf(positions, kept), Arrays.copyOf(values, kept));
    }

    /** |x| sorted in increasing order. */
    static double[] sortedMagnitudes(Matrix x) {
        double[] m = magnitudes(x);
        DoubleSort.sort(m);
        return m;
    }

    /**
     * The {@code k}-th smallest |x| (0-based): what {@code sortedMagnitudes(x)[k]} is, found by quickselect in
     * expected O(n) instead of a sort (pivots drawn from a fixed seed, so the work does not depend on the data's
     * order).
     */
    static double magnitudeAtRank(Matrix x, int k) {
        double[] m = magnitudes(x);
        SplittableRandom random = new SplittableRandom(0x5eed);
        int lo = 0;
        int hi = m.length - 1;
        while (lo < hi) {
            double pivot = m[lo + random.nextInt(hi - lo + 1)];
            // Three-way partition: [lo, lt) < pivot, [lt, gt] == pivot, (gt, hi] > pivot.
            int lt = lo;
            int gt = hi;
            int i = lo;
            while (i <= gt) {
                if (m[i] < pivot) {
                    swap(m, lt++, i++);
                } else if (m[i] > pivot) {
                    swap(m, i, gt--);
                } else {
                    i++;
                }
            }
            if (k < lt) {
                hi = lt - 1;
            } else if (k > gt) {
                lo = gt + 1;
            } else {
                return pivot;
            }
        }
        return m[k];
    }

    private static double[] magnitudes(Matrix x) {
        double[] m = new double[x.size()];
        for (int i = 0; i < m.length; i++) {
            m[i] = Math.abs(x.at(i));
        }
        return m;
    }

    private static void swap(double[] a, int i, int j) {
        double t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
