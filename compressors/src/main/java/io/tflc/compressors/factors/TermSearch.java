package io.tflc.compressors.factors;

import java.util.Arrays;

/**
 * The Z-step of sparse factors for a fixed codebook C: for each vector w, the s terms (codebook row, value) that
 * minimise ‖w − Σ v_t·c_{j_t}‖². The rows decouple, so this is the exact minimiser over Z whenever the per-vector
 * search is exact. The cost of a set of terms is −2Σ v_t·(Cw)_{j_t} + Σ v_a·v_b·(CCᵀ)_{j_a j_b} (the error less
 * ‖w‖²), so with CCᵀ and Cw at hand adding a term costs O(s).
 *
 * <p>Feasible terms: with unit values (b_z = 0) every vector is the sum of exactly s codebook rows, a row may be
 * taken more than once (a multiset of indices, which s·⌈log2 k⌉ bits encode as they stand, and which makes vector
 * quantization with k rows a special case); with 1-bit values exactly s distinct rows, each ±a (the code has no 0);
 * otherwise at most s distinct rows with values on the grid (or floats).
 *
 * <p>Search: <b>exhaustive</b> (exact) when the candidates number at most {@link #EXHAUSTIVE_LIMIT} per vector:
 * all multisets of s rows (unit values); all sets of at most s rows with all nonzero grid values (grid); all sets of
 * min(s, k) rows with least-squares values (floats). Otherwise <b>beam search</b> (near-exact, no guarantee): s
 * rounds, each extending the {@link #BEAM_WIDTH} cheapest partial sets by every row, with the nonzero grid values
 * within two steps of that row's 1-D optimum given the terms already chosen (floats: the optimum), then a local
 * search on the kept sets that replaces one term at a time by the best row and value given the others. On tiny
 * random cases (TermSearchTest) it found the optimum for every vector with unit values and s ≤ 3 and with 1- and
 * 2-bit values and s = 2, and for 96% of them with 3-bit values and s = 3 (error 2% above the optimum). The caller
 * keeps a vector's previous terms when they fit better, so the descent stays monotone either way.
 */
final class TermSearch {

    /** Per-vector candidates up to which the search is exhaustive. */
    static final int EXHAUSTIVE_LIMIT = 4096;

    /** Partial term sets kept per round of the beam search. */
    static final int BEAM_WIDTH = 16;

    private final double[] codebook;
    private final int k;
    private final int d;
    private final int terms;
    /** Null for unit values. */
    private final Grid grid;
    private final double[] gram;
    /** The nonzero grid values tried by the exhaustive search; null for unit values and floats. */
    /** The value grid's nonzero values, made when a search first needs them: wide grids are searched without. */
    private double[] levels;
    private final boolean exhaustive;
    /** Whether a vector may use fewer than s terms: not with 1-bit values, whose code has no 0. */
    private final boolean fewerTerms;

    TermSearch(double[] codebook, int k, int d, int terms, Grid grid) {
        this(codebook, k, d, terms, grid, EXHAUSTIVE_LIMIT);
    }

    /** With another bound on exhaustive search (tests force the beam search with 0). */
    TermSearch(double[] codebook, int k, int d, int terms, Grid grid, long exhaustiveLimit) {
        this.codebook = codebook;
        this.k = k;
        this.d = d;
        this.terms = terms;
        this.grid = grid;
        this.gram = new double[k * k];
        for (int a = 0; a < k; a++) {
            for (int b = a; b < k; b++) {
                double s = 0;
                for (int t = 0; t < d; t++) {
                    s += codebook[a * d + t] * codebook[b * d + t];
                }
                gram[a * k + b] = s;
                gram[b * k + a] = s;
            }
        }
        this.fewerTerms = grid != null && (grid.isFloat() || grid.bits() >= 2);
        this.exhaustive = candidates(k, terms, grid) <= exhaustiveLimit;
    }

    /** Whether every vector's terms are the exact optimum (the search is exhaustive). */
    boolean exhaustive() {
        return exhaustive;
    }

    /** The chosen Z, n×k dense (a unit row taken twice holds 2), for the n rows of w (n×d, row-major). */
    double[] choose(double[] w, int n) {
        double[] z = new double[n * k];
        double[] p = new double[k];
        Best best = new Best(terms);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                double s = 0;
                for (int t = 0; t < d; t++) {
                    s += codebook[j * d + t] * w[i * d + t];
                }
                p[j] = s;
            }
            best.reset();
            if (exhaustive) {
                if (grid == null) {
                    units(p, 0, 0, new int[terms], 0, best);
                } else if (grid.isFloat()) {
                    subsets(p, 0, 0, new int[Math.min(terms, k)], best);
                } else {
                    if (fewerTerms) {
                        best.offer(new int[0], new double[0], 0, 0);
                    }
                    gridTerms(p, 0, 0, new int[terms], new double[terms], 0, best);
                }
            } else {
                beam(p, best);
            }
            for (int t = 0; t < best.size; t++) {
                z[i * k + best.index[t]] += best.value[t];
            }
        }
        return z;
    }

    static long candidates(int k, int terms, Grid grid) {
        if (grid == null) {
            return binomial(k + terms - 1, terms);
        }
        if (grid.isFloat()) {
            return binomial(k, Math.min(terms, k));
        }
        long total = 0;
        for (int m = 0; m <= terms; m++) {
            long c = binomial(k, m);
            for (int t = 0; t < m && c <= Long.MAX_VALUE / 256; t++) {
                c *= grid.levelCount();
            }
            total = Math.min(Long.MAX_VALUE / 2, total + c);
        }
        return total;
    }

    private static long binomial(int n, int r) {
        long c = 1;
        for (int i = 1; i <= r; i++) {
            c = c * (n - r + i) / i;
            if (c > Long.MAX_VALUE / 1024) {
                return Long.MAX_VALUE / 2;
            }
        }
        return c;
    }

    /** Adding v·c_j to terms idx[0..m) with values val changes the cost by this. */
    private double delta(double[] p, int[] idx, double[] val, int m, int j, double v) {
        double cross = 0;
        for (int t = 0; t < m; t++) {
            cross += val[t] * gram[j * k + idx[t]];
        }
        return -2 * v * p[j] + v * v * gram[j * k + j] + 2 * v * cross;
    }

    private void units(double[] p, int depth, int start, int[] idx, double cost, Best best) {
        for (int j = start; j < k; j++) {
            double cross = 0;
            for (int t = 0; t < depth; t++) {
                cross += gram[j * k + idx[t]];
            }
            double next = cost - 2 * p[j] + gram[j * k + j] + 2 * cross;
            idx[depth] = j;
            if (depth + 1 == terms) {
                if (next < best.cost) {
                    best.offerUnits(idx, terms, next);
                }
            } else {
                units(p, depth + 1, j, idx, next, best);
            }
        }
    }

    private void gridTerms(double[] p, int depth, int start, int[] idx, double[] val, double cost, Best best) {
        for (int j = start; j < k; j++) {
            for (double v : levels()) {
                double next = cost + delta(p, idx, val, depth, j, v);
                idx[depth] = j;
                val[depth] = v;
                if (next < best.cost && (fewerTerms || depth + 1 == terms)) {
                    best.offer(idx, val, depth + 1, next);
                }
                if (depth + 1 < terms) {
                    gridTerms(p, depth + 1, j + 1, idx, val, next, best);
                }
            }
        }
    }

    private void subsets(double[] p, int depth, int start, int[] idx, Best best) {
        if (depth == idx.length) {
            double[] val = leastSquares(p, idx, idx.length);
            double cost = 0;
            for (int t = 0; t < idx.length; t++) {
                cost += -p[idx[t]] * val[t]; // at the least-squares values, the cost is −pᵀv
            }
            if (cost < best.cost) {
                best.offer(idx, val, idx.length, cost);
            }
            return;
        }
        for (int j = start; j <= k - (idx.length - depth); j++) {
            idx[depth] = j;
            subsets(p, depth + 1, j + 1, idx, best);
        }
    }

    private void beam(double[] p, Best best) {
        int width = BEAM_WIDTH;
        int[][] idx = new int[width][terms];
        double[][] val = new double[width][terms];
        double[] cost = new double[width];
        long[] key = new long[width];
        long[] nextKey = new long[width];
        int states = 1;
        int[][] nextIdx = new int[width][terms];
        double[][] nextVal = new double[width][terms];
        double[] nextCost = new double[width];
        if (fewerTerms) {
            best.offer(new int[0], new double[0], 0, 0);
        }
        for (int depth = 0; depth < terms; depth++) {
            int kept = 0;
            for (int s = 0; s < states; s++) {
                for (int j = 0; j < k; j++) {
                    double[] options = UNIT;
                    if (grid != null) {
                        if (contains(idx[s], depth, j) || gram[j * k + j] == 0 && fewerTerms) {
                            continue;
                        }
                        double h = p[j];
                        for (int t = 0; t < depth; t++) {
                            h -= val[s][t] * gram[j * k + idx[s][t]];
                        }
                        options = gram[j * k + j] == 0 ? levels() : options(h / gram[j * k + j]);
                    }
                    for (double v : options) {
                        double c = cost[s] + delta(p, idx[s], val[s], depth, j, v);
                        if (kept == width && c >= nextCost[kept - 1]) {
                            continue;
                        }
                        long newKey = key[s] + mix(j, v);
                        if (duplicate(nextKey, newKey, nextIdx, nextVal, kept, idx[s], val[s], depth, j, v)) {
                            continue;
                        }
                        // Insert in cost order, dropping the worst when full.
                        int at = kept == width ? width - 1 : kept++;
                        while (at > 0 && nextCost[at - 1] > c) {
                            int[] ti = nextIdx[at];
                            double[] tv = nextVal[at];
                            nextIdx[at] = nextIdx[at - 1];
                            nextVal[at] = nextVal[at - 1];
                            nextCost[at] = nextCost[at - 1];
                            nextKey[at] = nextKey[at - 1];
                            nextIdx[at - 1] = ti;
                            nextVal[at - 1] = tv;
                            at--;
                        }
                        System.arraycopy(idx[s], 0, nextIdx[at], 0, depth);
                        System.arraycopy(val[s], 0, nextVal[at], 0, depth);
                        nextIdx[at][depth] = j;
                        nextVal[at][depth] = v;
                        nextCost[at] = c;
                        nextKey[at] = newKey;
                    }
                }
            }
            if (kept == 0) {
                break;
            }
            int[][] ti = idx;
            idx = nextIdx;
            nextIdx = ti;
            double[][] tv = val;
            val = nextVal;
            nextVal = tv;
            double[] tc = cost;
            cost = nextCost;
            nextCost = tc;
            long[] tk = key;
            key = nextKey;
            nextKey = tk;
            states = kept;
            if (depth + 1 == terms) {
                for (int s = 0; s < states; s++) {
                    double c = improve(p, idx[s], val[s], depth + 1, cost[s]);
                    if (c < best.cost) {
                        best.offer(idx[s], val[s], depth + 1, c);
                    }
                }
            } else if (fewerTerms) {
                int[] i0 = idx[0].clone();
                double[] v0 = val[0].clone();
                double c = improve(p, i0, v0, depth + 1, cost[0]);
                if (c < best.cost) {
                    best.offer(i0, v0, depth + 1, c);
                }
            }
        }
        if (grid != null && grid.isFloat()) {
            double[] v = leastSquares(p, best.index, best.size);
            System.arraycopy(v, 0, best.value, 0, best.size);
        }
    }

    /**
     * Local search on one set of terms: replace one term by another row and/or value (the best grid value for that
     * row given the other terms, exact in 1-D; 0 drops the term unless values are units) while that lowers the
     * cost, at most ten sweeps. Returns the new cost; idx and val are changed in place.
     */
    private double improve(double[] p, int[] idx, double[] val, int m, double cost) {
        for (int sweep = 0; sweep < 10; sweep++) {
            boolean changed = false;
            for (int t = 0; t < m; t++) {
                // The cost without term t, and h = C·(w − the other terms).
                double without = cost - delta(p, idx, val, 0, idx[t], val[t]);
                double cross = 0;
                for (int u = 0; u < m; u++) {
                    if (u != t) {
                        cross += val[u] * gram[idx[t] * k + idx[u]];
                    }
                }
                without -= 2 * val[t] * cross;
                int bestJ = idx[t];
                double bestV = val[t];
                double bestCost = cost;
                for (int j = 0; j < k; j++) {
                    double h = p[j];
                    boolean taken = false;
                    for (int u = 0; u < m; u++) {
                        if (u != t) {
                            h -= val[u] * gram[j * k + idx[u]];
                            taken |= idx[u] == j;
                        }
                    }
                    double g = gram[j * k + j];
                    double v;
                    if (grid == null) {
                        v = 1;
                    } else {
                        if (taken || g == 0 && fewerTerms) {
                            continue;
                        }
                        v = g == 0 ? levels()[levels().length - 1] : grid.project(h / g);
                        if (fewerTerms && -2 * v * h + v * v * g > 0) {
                            v = 0;
                        }
                    }
                    double c = without - 2 * v * h + v * v * g;
                    if (c < bestCost - 1e-12 * Math.abs(bestCost)) {
                        bestCost = c;
                        bestJ = j;
                        bestV = v;
                    }
                }
                if (bestJ != idx[t] || bestV != val[t]) {
                    idx[t] = bestJ;
                    val[t] = bestV;
                    cost = bestCost;
                    changed = true;
                }
            }
            if (!changed) {
                break;
            }
        }
        return cost;
    }

    private static final double[] UNIT = {1};

    /**
     * Values a new term is tried with, given its 1-D optimum x: floats, x; a grid, the nonzero grid values within
     * two steps of x (the best value once later terms are added is often not the nearest one, nor nonzero alone).
     */
    private double[] options(double x) {
        if (grid.isFloat()) {
            return x == 0 ? new double[0] : new double[] {x};
        }
        if (grid.bits() == 1 || grid.scale() == 0) {
            return levels();
        }
        long top = (1L << (grid.bits() - 1)) - 1;
        long floor = (long) Math.floor(x / grid.scale());
        double[] out = new double[4];
        int m = 0;
        for (long j = floor - 1; j <= floor + 2; j++) {
            if (j != 0 && Math.abs(j) <= top) {
                out[m++] = j * grid.scale();
            }
        }
        return Arrays.copyOf(out, m);
    }

    private static boolean contains(int[] idx, int m, int j) {
        for (int t = 0; t < m; t++) {
            if (idx[t] == j) {
                return true;
            }
        }
        return false;
    }

    /** A term's share of a state's key: keys are sums, so the same terms in any order give the same key. */
    private static long mix(int j, double v) {
        long h = (Double.doubleToLongBits(v) + 31L * j) * 0x9E3779B97F4A7C15L;
        return h ^ (h >>> 29);
    }

    /** Whether the state idx[0..m) + (j, v) is already among the kept ones (same terms in any order). */
    private static boolean duplicate(long[] keptKey, long key, int[][] keptIdx, double[][] keptVal, int kept, int[] idx,
                                     double[] val, int m, int j, double v) {
        for (int s = 0; s < kept; s++) {
            if (keptKey[s] != key) {
                continue;
            }
            boolean[] used = new boolean[m + 1];
            boolean same = true;
            for (int t = 0; t <= m && same; t++) {
                int a = t < m ? idx[t] : j;
                double b = t < m ? val[t] : v;
                boolean found = false;
                for (int u = 0; u <= m; u++) {
                    if (!used[u] && keptIdx[s][u] == a && keptVal[s][u] == b) {
                        used[u] = true;
                        found = true;
                        break;
                    }
                }
                same = found;
            }
            if (same) {
                return true;
            }
        }
        return false;
    }

    /** Least-squares values for the rows idx[0..m): (C_S C_Sᵀ) v = p_S, regularised so a zero row gets 0. */
    private double[] leastSquares(double[] p, int[] idx, int m) {
        double[][] a = new double[m][m + 1];
        double trace = 0;
        for (int t = 0; t < m; t++) {
            trace += gram[idx[t] * k + idx[t]];
        }
        double ridge = 1e-12 * Math.max(trace, Double.MIN_NORMAL);
        for (int r = 0; r < m; r++) {
            for (int c = 0; c < m; c++) {
                a[r][c] = gram[idx[r] * k + idx[c]] + (r == c ? ridge : 0);
            }
            a[r][m] = p[idx[r]];
        }
        // Cholesky-free Gaussian elimination: the matrix is positive definite after the ridge.
        for (int col = 0; col < m; col++) {
            for (int r = col + 1; r < m; r++) {
                double f = a[r][col] / a[col][col];
                for (int c = col; c <= m; c++) {
                    a[r][c] -= f * a[col][c];
                }
            }
        }
        double[] v = new double[m];
        for (int r = m - 1; r >= 0; r--) {
            double s = a[r][m];
            for (int c = r + 1; c < m; c++) {
                s -= a[r][c] * v[c];
            }
            v[r] = s / a[r][r];
        }
        return v;
    }

    /** The best terms found so far for one vector. */
    private static final class Best {
        final int[] index;
        final double[] value;
        int size;
        double cost;

        Best(int terms) {
            index = new int[terms];
            value = new double[terms];
        }

        void reset() {
            size = 0;
            cost = Double.POSITIVE_INFINITY;
        }

        void offer(int[] idx, double[] val, int m, double c) {
            if (c < cost) {
                System.arraycopy(idx, 0, index, 0, m);
                System.arraycopy(val, 0, value, 0, m);
                size = m;
                cost = c;
            }
        }

        void offerUnits(int[] idx, int m, double c) {
            if (c < cost) {
                System.arraycopy(idx, 0, index, 0, m);
                Arrays.fill(value, 0, m, 1);
                size = m;
                cost = c;
            }
        }
    }

    private double[] levels() {
        if (levels == null) {
            levels = grid.levels();
        }
        return levels;
    }
}
