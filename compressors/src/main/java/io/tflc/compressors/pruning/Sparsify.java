package io.tflc.compressors.pruning;

import io.tflc.compressors.Matrix;
import io.tflc.compressors.SparseValues;
import java.util.Arrays;
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
        double[] m = new double[x.size()];
        for (int i = 0; i < m.length; i++) {
            m[i] = Math.abs(x.at(i));
        }
        Arrays.sort(m);
        return m;
    }
}
