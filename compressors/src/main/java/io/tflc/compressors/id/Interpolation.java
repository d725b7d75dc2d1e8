package io.tflc.compressors.id;

import io.tflc.compressors.Matrix;
import java.util.Arrays;

/**
 * The interpolative decomposition Z ≈ Z[:, kept]·T of a matrix with n columns (Chee et al., NeurIPS 2022): the k
 * kept columns are the first k pivots of a column-pivoted QR, and T = [I_k | R11⁻¹R12] (k×n) with its columns put
 * back in Z's order, so T[:, kept[i]] is the i-th unit vector. When rank(Z) ≤ k it is exact.
 *
 * @param kept the indices of the kept columns, in pivot order
 * @param t the k×n interpolation matrix
 * @param error |R[k,k]| / |R[0,0]|: the relative size of the first column left out (0 when k = n)
 */
public record Interpolation(int[] kept, Matrix t, double error) {

    public Interpolation {
        kept = kept.clone();
    }

    @Override
    public int[] kept() {
        return kept.clone();
    }

    /** The ID keeping {@code k} columns, from the pivoted QR of Z (or of its stacked R). */
    public static Interpolation of(PivotedQr qr, int k) {
        Matrix r = qr.r();
        int n = r.cols();
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("keep between 1 and " + n + " columns, got " + k);
        }
        int[] pivots = qr.pivots();
        double top = Math.abs(r.get(0, 0));
        // Columns of R11 whose diagonal is negligible carry no independent direction: solve as if zero.
        double tiny = 1e-12 * top;
        double[][] x = new double[k][n - k];
        for (int c = 0; c < n - k; c++) {
            for (int i = k - 1; i >= 0; i--) {
                double s = r.get(i, k + c);
                for (int j = i + 1; j < k; j++) {
                    s -= r.get(i, j) * x[j][c];
                }
                double d = r.get(i, i);
                x[i][c] = Math.abs(d) <= tiny ? 0 : s / d;
            }
        }
        double[] t = new double[k * n];
        for (int i = 0; i < k; i++) {
            t[i * n + pivots[i]] = 1;
            for (int c = 0; c < n - k; c++) {
                t[i * n + pivots[k + c]] = x[i][c];
            }
        }
        double error = k < Math.min(r.rows(), n) && top > 0 ? Math.abs(r.get(k, k)) / top : 0;
        return new Interpolation(Arrays.copyOf(pivots, k), Matrix.of(k, n, t), error);
    }

    /** The kept columns in increasing index order, with T's rows permuted to match. */
    public Interpolation sorted() {
        Integer[] order = new Integer[kept.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(kept[a], kept[b]));
        int n = t.cols();
        int[] k2 = new int[kept.length];
        double[] t2 = new double[kept.length * n];
        for (int i = 0; i < order.length; i++) {
            k2[i] = kept[order[i]];
            for (int j = 0; j < n; j++) {
                t2[i * n + j] = t.get(order[i], j);
            }
        }
        return new Interpolation(k2, Matrix.of(kept.length, n, t2), error);
    }
}
