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
 * <p>Unit values (b_z = 0) mean each vector is the sum of exactly s codebook rows, a row possibly taken more than
 * once; s·⌈log2 k⌉ bits encode that as it stands, and it makes vector quantization with k rows a special case (the
 * centres divided by s, each taken s times).
 *
 * <p>C-step: alternating minimisation of ‖W − ZC‖². Within an LC run it starts from the previous Θ (with its grids)
 * alone: the descent then ends at or below the previous Θ's fit, and the k-means of the other starts took most of a
 * C-step's time on LeNet300 (about 10 s of 15), and fresh starts in every LC step changed its end by 0.06 points
 * (12.40% against 12.34%). Otherwise (direct compression) it runs from several starts and keeps
 * the best end: the truncated SVD (k ≤ d, s ≥ 2), vector quantization with k rows, and residual vector quantization
 * (s ≥ 2; {@link ResidualStages}). Each start's grid scales are fitted to it; the value grid's then stays, the
 * codebook grid's changes only with a least-squares C that fits better on a grid fitted to it. Each iteration:
 * <ul>
 *   <li>Z-step, per vector the best of: its current terms; a projected gradient step (length 1/L, L from the power
 *   method on CCᵀ; skipped when the search is exhaustive, whose terms no step can beat); and the terms
 *   {@link TermSearch} picks for C — exhaustive (exact) when a vector has at most
 *   {@value TermSearch#EXHAUSTIVE_LIMIT} candidate term sets, beam search of width {@value TermSearch#BEAM_WIDTH}
 *   otherwise (see there). With k = 16, s = 2 and unit values the search is exhaustive (136 multisets).</li>
 *   <li>C-step, the best of: a projected gradient step (1/L from ZᵀZ); least squares (with a tiny ridge towards
 *   the current C, so that unused rows or rows always taken together do not make it singular) projected onto the
 *   grid, or onto a grid fitted to it; the current C. Then rows that no vector uses are moved onto the worst-fitted
 *   vectors (the objective does not change; the next search may take them up).</li>
 * </ul>
 * Every move is taken only when it does not raise the objective, so the descent is monotone and each start ends at
 * or below its own objective. With unit values the special cases that are starts (vector quantization with k rows,
 * residual quantization with s stages of ⌊k/s⌋ rows) bound the result from above, exactly with a float codebook and
 * up to the rounding of their codebook otherwise; with 1-bit values, where all s terms must be used, they are not
 * feasible and only seed the search. The gradient steps alone, from the SVD or
 * from vector quantization, ended LC on LeNet300 with s = 2 at 47.6% error (issue 19): a Z-step that only projects
 * a gradient step rarely moves a vector to another pair of rows.
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
        if (step.previous().orElse(null) instanceof SparseFactors p && p.codebook().rows() == k
                && p.dimension() == dimension && p.terms() == terms && p.valueBits() == valueBits
                && p.codebookBits() == codebookBits) {
            return descend(x, w, new Start(dense(p, n), p.codebook().toArray(),
                    valueBits == 0 ? null : new Grid(p.valueBits(), p.valueScale()),
                    new Grid(p.codebookBits(), p.codebookScale())));
        }
        List<Start> starts = new ArrayList<>();
        if (terms >= 2 && k <= Math.min(n, dimension)) {
            Matrix[] f = Svd.of(w).truncate(k);
            starts.add(new Start(f[0].toArray(), f[1].toArray(), null, null));
        }
        starts.add(vectorQuantization(x, n));
        if (terms >= 2) {
            ResidualStages r = ResidualStages.of(w, k, terms);
            starts.add(new Start(r.z(), r.codebook(), null, null));
        }
        SparseFactors best = null;
        double bestObjective = Double.POSITIVE_INFINITY;
        for (Start start : starts) {
            SparseFactors f = descend(x, w, start);
            double[] objectives = f.objectives();
            if (objectives[objectives.length - 1] < bestObjective) {
                best = f;
                bestObjective = objectives[objectives.length - 1];
            }
        }
        return best;
    }

    /** A starting point: Z (n×k dense), C, and the grids to keep (null: fitted to this start). */
    private record Start(double[] z, double[] c, Grid valueGrid, Grid codebookGrid) {
    }

    /**
     * Vector quantization with k rows as a feasible start: one term per vector, or with unit values the centre
     * divided by s and taken s times.
     */
    private Start vectorQuantization(Matrix x, int n) {
        VectorQuantized vq = (VectorQuantized) new VectorQuantization(k, dimension).compress(x, CStep.direct(1));
        double[] c = vq.codebook().toArray();
        double share = valueBits == 0 ? terms : 1;
        for (int i = 0; i < c.length; i++) {
            c[i] /= share;
        }
        double[] z = new double[n * k];
        int[] codes = vq.codes();
        for (int i = 0; i < n; i++) {
            z[i * k + codes[i]] = share;
        }
        return new Start(z, c, null, null);
    }

    private SparseFactors descend(Matrix x, Matrix w, Start start) {
        int n = w.rows();
        double[] points = w.toArray();
        double[] z = start.z().clone();
        double[] c = start.c().clone();
        Grid valueGrid = valueBits == 0 ? null
                : start.valueGrid() != null ? start.valueGrid() : Grid.fitted(valueBits, z);
        Grid codebookGrid = start.codebookGrid() != null ? start.codebookGrid() : Grid.fitted(codebookBits, c);
        for (int i = 0; i < c.length; i++) {
            c[i] = codebookGrid.project(c[i]);
        }
        if (valueGrid != null) {
            projectRows(z, n, valueGrid);
        } else if (!unitRows(z, n)) {
            projectUnit(z, n);
        }
        // The exact (or beam) choice of terms for the start's C; a vector keeps the start's terms if they fit better.
        TermSearch search = new TermSearch(c, k, dimension, terms, valueGrid);
        z = rowwiseBest(points, c, z, search.choose(points, n));
        // The codebook the terms were last searched for: a search for the same C would find the same terms again.
        double[] searched = c;
        boolean reseededLast = false;
        List<Double> objectives = new ArrayList<>();
        double objective = FewTerms.error(points, z, n, k, c, dimension);
        objectives.add(objective);
        for (int it = 0; it < iterations; it++) {
            // Z-step: gradient −2(W − ZC)Cᵀ, step 1/L with L = 2‖CCᵀ‖, projected; or the searched terms; or stay,
            // whichever fits each vector best.
            Matrix cm = Matrix.of(k, dimension, c);
            double[] z2 = z.clone();
            if (c != searched) {
                search = new TermSearch(c, k, dimension, terms, valueGrid);
            }
            // An exhaustive search's terms are each vector's optimum for C: a gradient step cannot beat them.
            double lz = search.exhaustive() ? 0 : 2 * largestEigenvalue(cm.times(cm.transpose()));
            if (lz > 0) {
                double[] fit = FewTerms.times(z, n, k, c, dimension);
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < k; j++) {
                        double g = 0;
                        for (int t = 0; t < dimension; t++) {
                            g += (points[i * dimension + t] - fit[i * dimension + t]) * c[j * dimension + t];
                        }
                        z2[i * k + j] += 2 * g / lz;
                    }
                }
            }
            if (lz > 0) {
                if (valueBits == 0) {
                    projectUnit(z2, n);
                } else {
                    projectRows(z2, n, valueGrid);
                }
                z2 = rowwiseBest(points, c, z, z2);
            }
            if (c != searched) {
                z2 = rowwiseBest(points, c, z2, search.choose(points, n));
                searched = c;
            }
            // C-step: gradient −2Zᵀ(W − ZC), step 1/L with L = 2‖ZᵀZ‖; or least squares on the grid; or stay.
            Matrix gram = Matrix.of(k, k, FewTerms.gram(z2, n, k));
            Matrix zw = Matrix.of(k, dimension, FewTerms.transposeTimes(z2, n, k, points, dimension));
            Matrix gc = zw.minus(gram.times(cm));
            double lc = 2 * largestEigenvalue(gram);
            double[] c2 = c.clone();
            if (lc > 0) {
                for (int i = 0; i < c2.length; i++) {
                    c2[i] = codebookGrid.project(c2[i] + 2 * gc.at(i) / lc);
                }
            }
            double next = FewTerms.error(points, z2, n, k, c2, dimension);
            Grid grid2 = codebookGrid;
            double[] ls = leastSquares(gram, zw, c);
            if (ls != null) {
                // On the current grid, or on one fitted to the least-squares C: a grid kept from the first C-step
                // would clip the codewords that grow later in an LC run.
                for (Grid g : List.of(codebookGrid, Grid.fitted(codebookBits, ls))) {
                    double[] projected = new double[ls.length];
                    for (int i = 0; i < ls.length; i++) {
                        projected[i] = g.project(ls[i]);
                    }
                    double lsObjective = FewTerms.error(points, z2, n, k, projected, dimension);
                    if (lsObjective < next) {
                        next = lsObjective;
                        c2 = projected;
                        grid2 = g;
                    }
                }
            }
            double stay = FewTerms.error(points, z2, n, k, c, dimension);
            if (stay < next) {
                next = stay;
                c2 = c;
                grid2 = codebookGrid;
            }
            if (next > objective) {
                break; // rounding: keep the last iterate, whose objective is lower
            }
            // Rows no vector uses are moved onto the worst-fitted vectors: the objective stays (Z ignores them) and
            // the next term search can only lower it; left alone, neither the search nor the update would move them.
            double[] moved = reseedUnused(points, z2, c2, grid2);
            boolean stalled = objective - next <= 1e-9 * objective;
            // A stalled descent goes on once after moving rows, so that the search can take them up.
            boolean converged = stalled && (moved == null || reseededLast);
            reseededLast = moved != null && stalled;
            if (moved != null) {
                c2 = moved;
            }
            z = z2;
            c = c2;
            codebookGrid = grid2;
            objective = next;
            objectives.add(objective);
            if (converged) {
                break;
            }
        }
        return sparse(x, n, z, c, valueGrid, codebookGrid, objectives);
    }

    /**
     * The codebook with each row that no vector of z uses moved so that one of the worst-fitted vectors would fit
     * exactly if it swapped one of its terms for that row (as k-means re-seeds an empty cluster), projected onto the
     * grid; null when every row is used or every vector fits exactly.
     */
    private double[] reseedUnused(double[] points, double[] z, double[] c, Grid grid) {
        int n = points.length / dimension;
        boolean[] used = new boolean[k];
        int unused = k;
        for (int i = 0; i < n && unused > 0; i++) {
            for (int j = 0; j < k; j++) {
                if (z[i * k + j] != 0 && !used[j]) {
                    used[j] = true;
                    unused--;
                }
            }
        }
        if (unused == 0) {
            return null;
        }
        double[] errors = FewTerms.rowErrors(points, z, n, k, c, dimension);
        double[] fit = FewTerms.times(z, n, k, c, dimension);
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(errors[b], errors[a]));
        double[] out = c.clone();
        int next = 0;
        boolean moved = false;
        for (int j = 0; j < k; j++) {
            if (used[j]) {
                continue;
            }
            int term = -1;
            int i = -1;
            while (term < 0 && next < n && errors[order[next]] > 0) {
                i = order[next++];
                for (int a = 0; a < k && term < 0; a++) {
                    if (z[i * k + a] != 0) {
                        term = a;
                    }
                }
            }
            if (term < 0) {
                break;
            }
            double v = valueBits == 0 ? 1 : z[i * k + term];
            for (int t = 0; t < dimension; t++) {
                out[j * dimension + t] = grid.project(c[term * dimension + t]
                        + (points[i * dimension + t] - fit[i * dimension + t]) / v);
            }
            moved = true;
        }
        return moved ? out : null;
    }

    /** Per vector, the row of a or b (dense n×k) that fits w better under the codebook c. */
    private double[] rowwiseBest(double[] w, double[] c, double[] a, double[] b) {
        int n = w.length / dimension;
        double[] ea = FewTerms.rowErrors(w, a, n, k, c, dimension);
        double[] eb = FewTerms.rowErrors(w, b, n, k, c, dimension);
        double[] out = a.clone();
        for (int i = 0; i < n; i++) {
            if (eb[i] < ea[i]) {
                System.arraycopy(b, i * k, out, i * k, k);
            }
        }
        return out;
    }

    /** Whether every row holds s unit terms (nonnegative whole counts summing to s). */
    private boolean unitRows(double[] z, int n) {
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int j = 0; j < k; j++) {
                double v = z[i * k + j];
                if (v < 0 || v != Math.rint(v)) {
                    return false;
                }
                sum += v;
            }
            if (sum != terms) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String describe() {
        return "sparse_factors(k=" + k + ", d=" + dimension + ", s=" + terms + ", b_z=" + valueBits + ", b_c="
                + codebookBits + ")";
    }

    /**
     * C solving (ZᵀZ + εI)·C = ZᵀW + ε·C_now by Gaussian elimination with partial pivoting: least squares, with a
     * ridge towards the current C (ε = 10⁻⁹ of ZᵀZ's mean diagonal) that leaves an unused row where it is and
     * gives rows always taken together (a singular block) the nearest solution, so that one unused row no longer
     * leaves every row to the gradient step; null only when no row is used.
     */
    private double[] leastSquares(Matrix gram, Matrix zw, double[] now) {
        int m = k;
        double trace = 0;
        for (int i = 0; i < m; i++) {
            trace += gram.get(i, i);
        }
        if (!(trace > 0)) {
            return null;
        }
        double ridge = 1e-9 * trace / m;
        double[][] a = new double[m][m + dimension];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                a[i][j] = gram.get(i, j) + (i == j ? ridge : 0);
            }
            for (int t = 0; t < dimension; t++) {
                a[i][m + t] = zw.get(i, t) + ridge * now[i * dimension + t];
            }
        }
        for (int col = 0; col < m; col++) {
            int pivot = col;
            for (int r = col + 1; r < m; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            if (!(Math.abs(a[pivot][col]) > 0)) {
                return null;
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
                // 1-bit values cannot encode an unused term: all s are used even when one does not help.
                if (gain[j] > 0 || grid != null && grid.bits() == 1) {
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
                double v = z[i * k + j];
                // With unit values a row taken twice holds 2 in Z and is stored as two terms.
                for (long r = valueBits == 0 ? Math.round(v) : v != 0 ? 1 : 0; r > 0 && t < terms; r--) {
                    indices[i * terms + t] = j;
                    values[i * terms + t] = valueBits == 0 ? 1 : v;
                    t++;
                }
            }
        }
        return new SparseFactors(x.rows(), x.cols(), Matrix.of(k, dimension, c), indices, values, terms, valueBits,
                valueGrid == null ? 0 : valueGrid.scale(), codebookGrid.bits(), codebookGrid.scale(),
                objectives.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
