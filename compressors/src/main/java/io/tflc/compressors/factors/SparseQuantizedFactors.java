package io.tflc.compressors.factors;

import io.tflc.compressors.CStep;
import io.tflc.compressors.Compression;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.SparseFactors;
import io.tflc.compressors.Theta;
import io.tflc.compressors.VectorQuantized;
import io.tflc.compressors.lowrank.Svd;
import io.tflc.compressors.quantization.VectorQuantization;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Sparse, quantized matrix factors (after Kuzmin, van Baalen, Nagel, Behboodi, arXiv 2207.11048; only the abstract
 * was available, so this formulation is tf-lc's own, docs/lc-algorithm.md): the view read as n rows of d values,
 * W ≈ Z·C, with
 * C (k×d) on a {@code codebookBits} grid and Z (n×k) with at most {@code terms} nonzeros per row on a
 * {@code valueBits} grid (0: the nonzeros are 1; 32: floats). Special cases: terms = k with float factors is the
 * truncated SVD; terms = 1 with unit values is vector quantization.
 *
 * <p>C-step: projected gradient descent on ‖W − ZC‖², alternating a step on Z and one on C, each of length 1/L (L
 * from the power method on CCᵀ or ZᵀZ) followed by the exact projection onto the feasible set (for a row of Z: the
 * nearest grid value per entry, then the {@code terms} entries whose error drops most). With exact projections and
 * 1/L steps the objective cannot rise; an iteration that would raise it (rounding) ends the descent. Two faster
 * block moves are taken when they do better, so the descent stays monotone: with one term per vector the Z-step is
 * the exact minimiser (best codebook row and grid value per vector), and the C-step also tries the least-squares C
 * projected onto its grid. A single global 1/L step alone moved the rows of rarely used codewords too little: on
 * LeNet300 it ended LC at twice the error of vector quantization. It starts from
 * the previous Θ, else from the SVD (k ≤ d, terms ≥ 2) or from vector quantization; the grids' scales are fitted to
 * the start and then fixed.
 */
public record SparseQuantizedFactors(int k, int dimension, int terms, int valueBits, int codebookBits, int iterations)
        implements Compression {

    public SparseQuantizedFactors {
        if (k < 1 || dimension < 1 || terms < 1 || terms > k || valueBits < 0 || valueBits > 32 || codebookBits < 1
                || codebookBits > 32 || iterations < 0) {
            throw new IllegalArgumentException("sparse quantized factors need k ≥ 1, d ≥ 1, 1 ≤ s ≤ k, value bits in "
                    + "0..32, codebook bits in 1..32, iterations ≥ 0; got k=" + k + ", d=" + dimension + ", s=" + terms
                    + ", b_z=" + valueBits + ", b_c=" + codebookBits);
        }
    }

    /** 100 iterations at most. */
    public SparseQuantizedFactors(int k, int dimension, int terms, int valueBits, int codebookBits) {
        this(k, dimension, terms, valueBits, codebookBits, 100);
    }

    @Override
    public Theta compress(Matrix x, CStep step) {
        if (x.size() % dimension != 0) {
            throw new IllegalArgumentException("sparse factors with d=" + dimension + " need a view whose size is a "
                    + "multiple of d; this view is " + x.shape() + " (" + x.size() + " values)");
        }
        int n = x.size() / dimension;
        Matrix w = x.reshape(n, dimension);
        double[] z;
        double[] c;
        if (step.previous().orElse(null) instanceof SparseFactors p && p.codebook().rows() == k
                && p.dimension() == dimension && p.terms() == terms) {
            c = p.codebook().toArray();
            z = dense(p, n);
        } else if (terms >= 2 && k <= Math.min(n, dimension)) {
            Svd svd = Svd.of(w);
            Matrix[] f = svd.truncate(k);
            z = f[0].toArray();
            c = f[1].toArray();
        } else {
            VectorQuantized vq = (VectorQuantized) new VectorQuantization(k, dimension, 2, step.lcStep())
                    .compress(x, CStep.direct(1));
            c = vq.codebook().toArray();
            z = new double[n * k];
            int[] codes = vq.codes();
            for (int i = 0; i < n; i++) {
                z[i * k + codes[i]] = 1;
            }
        }
        Grid valueGrid = valueBits == 0 ? null : Grid.fitted(valueBits, z);
        Grid codebookGrid = Grid.fitted(codebookBits, c);
        projectRows(z, n, valueGrid);
        for (int i = 0; i < c.length; i++) {
            c[i] = codebookGrid.project(c[i]);
        }
        List<Double> objectives = new ArrayList<>();
        double objective = w.squaredDistance(Matrix.of(n, k, z).times(Matrix.of(k, dimension, c)));
        objectives.add(objective);
        for (int it = 0; it < iterations; it++) {
            Matrix zm = Matrix.of(n, k, z);
            Matrix cm = Matrix.of(k, dimension, c);
            // Z-step: gradient −2(W − ZC)Cᵀ, step 1/L with L = 2‖CCᵀ‖.
            Matrix residual = w.minus(zm.times(cm));
            Matrix gz = residual.times(cm.transpose());
            double lz = 2 * largestEigenvalue(cm.times(cm.transpose()));
            double[] z2 = z.clone();
            if (lz > 0) {
                for (int i = 0; i < z2.length; i++) {
                    z2[i] += 2 * gz.at(i) / lz;
                }
            }
            if (terms == 1) {
                z2 = bestSingleTerms(w, cm, n, valueGrid);
            } else if (valueBits == 0) {
                projectUnit(z2, n);
            } else {
                projectRows(z2, n, valueGrid);
            }
            // C-step: gradient −2Zᵀ(W − ZC), step 1/L with L = 2‖ZᵀZ‖; or least squares on the grid; or stay.
            Matrix z2m = Matrix.of(n, k, z2);
            Matrix gram = z2m.transpose().times(z2m);
            Matrix zw = z2m.transpose().times(w);
            Matrix gc = zw.minus(gram.times(cm));
            double lc = 2 * largestEigenvalue(gram);
            double[] c2 = c.clone();
            if (lc > 0) {
                for (int i = 0; i < c2.length; i++) {
                    c2[i] = codebookGrid.project(c2[i] + 2 * gc.at(i) / lc);
                }
            }
            double next = w.squaredDistance(z2m.times(Matrix.of(k, dimension, c2)));
            double[] ls = leastSquares(gram, zw);
            if (ls != null) {
                for (int i = 0; i < ls.length; i++) {
                    ls[i] = codebookGrid.project(ls[i]);
                }
                double lsObjective = w.squaredDistance(z2m.times(Matrix.of(k, dimension, ls)));
                if (lsObjective < next) {
                    next = lsObjective;
                    c2 = ls;
                }
            }
            double stay = w.squaredDistance(z2m.times(cm));
            if (stay < next) {
                next = stay;
                c2 = c;
            }
            if (next > objective) {
                break; // rounding: keep the last iterate, whose objective is lower
            }
            boolean converged = objective - next <= 1e-9 * objective;
            z = z2;
            c = c2;
            objective = next;
            objectives.add(objective);
            if (converged) {
                break;
            }
        }
        return sparse(x, n, z, c, valueGrid, codebookGrid, objectives);
    }

    @Override
    public String describe() {
        return "sparse_factors(k=" + k + ", d=" + dimension + ", s=" + terms + ", b_z=" + valueBits + ", b_c="
                + codebookBits + ")";
    }

    /** With one term per vector, the exact Z-step: for each vector the codebook row and grid value that fit best. */
    private double[] bestSingleTerms(Matrix w, Matrix c, int n, Grid grid) {
        double[] z = new double[n * k];
        double[] norms = new double[k];
        for (int j = 0; j < k; j++) {
            for (int t = 0; t < dimension; t++) {
                norms[j] += c.get(j, t) * c.get(j, t);
            }
        }
        Matrix dots = w.times(c.transpose()); // n×k inner products
        for (int i = 0; i < n; i++) {
            int best = 0;
            double bestValue = 0;
            double bestGain = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                double dot = dots.get(i, j);
                double v = valueBits == 0 ? 1 : norms[j] == 0 ? 0 : dot / norms[j];
                if (grid != null) {
                    v = grid.project(v);
                }
                double gain = 2 * v * dot - v * v * norms[j]; // ‖w‖² − ‖w − v·c_j‖²
                if (gain > bestGain) {
                    bestGain = gain;
                    best = j;
                    bestValue = v;
                }
            }
            z[i * k + best] = bestValue;
        }
        return z;
    }

    /** C solving (ZᵀZ)·C = ZᵀW by Gaussian elimination with partial pivoting; null when ZᵀZ is singular. */
    private double[] leastSquares(Matrix gram, Matrix zw) {
        int m = k;
        double[][] a = new double[m][m + dimension];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                a[i][j] = gram.get(i, j);
            }
            for (int t = 0; t < dimension; t++) {
                a[i][m + t] = zw.get(i, t);
            }
        }
        for (int col = 0; col < m; col++) {
            int pivot = col;
            for (int r = col + 1; r < m; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            if (Math.abs(a[pivot][col]) < 1e-12) {
                return null; // an unused codebook row: keep the gradient step
            }
            double[] swap = a[col];
            a[col] = a[pivot];
            a[pivot] = swap;
            for (int r = 0; r < m; r++) {
                if (r != col) {
                    double f = a[r][col] / a[col][col];
                    if (f != 0) {
                        for (int j = col; j < m + dimension; j++) {
                            a[r][j] -= f * a[col][j];
                        }
                    }
                }
            }
        }
        double[] c = new double[m * dimension];
        for (int i = 0; i < m; i++) {
            for (int t = 0; t < dimension; t++) {
                c[i * dimension + t] = a[i][m + t] / a[i][i];
            }
        }
        return c;
    }

    /** Each row of Z: best grid value per entry, then the {@code terms} entries with the largest gain. */
    private void projectRows(double[] z, int n, Grid grid) {
        double[] gain = new double[k];
        double[] q = new double[k];
        Integer[] order = new Integer[k];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                double y = z[i * k + j];
                q[j] = grid == null ? y : grid.project(y);
                gain[j] = y * y - (y - q[j]) * (y - q[j]);
                order[j] = j;
            }
            Arrays.sort(order, (a, b) -> Double.compare(gain[b], gain[a]));
            for (int j = 0; j < k; j++) {
                z[i * k + j] = 0;
            }
            for (int t = 0; t < terms; t++) {
                int j = order[t];
                if (gain[j] > 0) {
                    z[i * k + j] = q[j];
                }
            }
        }
    }

    /** Each row of Z onto rows with {@code terms} ones: the largest entries (‖y − e‖² = ‖y‖² − 2Σy_j + s). */
    private void projectUnit(double[] z, int n) {
        Integer[] order = new Integer[k];
        for (int i = 0; i < n; i++) {
            final int row = i;
            for (int j = 0; j < k; j++) {
                order[j] = j;
            }
            Arrays.sort(order, (a, b) -> Double.compare(z[row * k + b], z[row * k + a]));
            for (int j = 0; j < k; j++) {
                z[i * k + j] = 0;
            }
            for (int t = 0; t < terms; t++) {
                z[i * k + order[t]] = 1;
            }
        }
    }

    private static double largestEigenvalue(Matrix symmetric) {
        int n = symmetric.rows();
        double[] v = new double[n];
        Arrays.fill(v, 1 / Math.sqrt(n));
        double lambda = 0;
        for (int it = 0; it < 50; it++) {
            double[] next = new double[n];
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += symmetric.get(i, j) * v[j];
                }
                next[i] = s;
            }
            double norm = Math.sqrt(Arrays.stream(next).map(a -> a * a).sum());
            if (norm == 0) {
                return 0;
            }
            for (int i = 0; i < n; i++) {
                v[i] = next[i] / norm;
            }
            lambda = norm;
        }
        // The power method approaches from below: a small margin keeps 1/L a safe step.
        return lambda * 1.05;
    }

    private double[] dense(SparseFactors p, int n) {
        double[] z = new double[n * k];
        int[] idx = p.indices();
        double[] val = p.values();
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < terms; t++) {
                z[i * k + idx[i * terms + t]] += val[i * terms + t];
            }
        }
        return z;
    }

    private SparseFactors sparse(Matrix x, int n, double[] z, double[] c, Grid valueGrid, Grid codebookGrid,
                                 List<Double> objectives) {
        int[] indices = new int[n * terms];
        double[] values = new double[n * terms];
        for (int i = 0; i < n; i++) {
            int t = 0;
            for (int j = 0; j < k && t < terms; j++) {
                if (z[i * k + j] != 0) {
                    indices[i * terms + t] = j;
                    values[i * terms + t] = z[i * k + j];
                    t++;
                }
            }
        }
        return new SparseFactors(x.rows(), x.cols(), Matrix.of(k, dimension, c), indices, values, terms, valueBits,
                valueGrid == null ? 0 : valueGrid.scale(), codebookGrid.bits(), codebookGrid.scale(),
                objectives.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
