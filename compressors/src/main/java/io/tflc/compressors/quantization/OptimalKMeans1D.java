package io.tflc.compressors.quantization;

import io.tflc.compressors.DoubleSort;
import java.util.Arrays;

/**
 * Globally optimal 1-D k-means (least-squares quantization of scalars to k levels).
 *
 * <p>Optimal 1-D clusters are intervals of the sorted values, so dynamic programming over the sorted values is
 * exact: D[m][j] = min_i D[m−1][i−1] + cost(i..j), with cost the within-interval sum of squares computed from
 * prefix sums. The optimal split i is non-decreasing in j (the cost is a Monge array), so each DP layer is
 * filled by divide and conquer in O(n log n): O(k·n log n) in all after an O(n log n) sort, and the last layer
 * needs a single entry, O(n). The DP runs over <em>runs</em> of equal values (count, sum, sum of squares), so
 * repeated values cost nothing.
 *
 * <p><b>Where it is not exact.</b> Backtracking keeps (k−1)·n split indices. When that exceeds
 * {@link #MAX_SPLIT_CELLS} (about 256 MB of ints: e.g. k = 16 over more than 4.4 million distinct values, far more
 * than one layer of the models LC meets), the sorted values are merged into equal-count runs first, the DP is
 * exact over those runs (clusters cannot split a run), and Lloyd iterations on all values then refine the
 * result; each Lloyd iteration can only lower the error.
 */
public final class OptimalKMeans1D {

    /** Split indices the exact DP may keep; above it, values are merged into runs (see the class comment). */
    public static final long MAX_SPLIT_CELLS = 1L << 26;

    private static final int MAX_LLOYD_ITERATIONS = 100;

    private OptimalKMeans1D() {
    }

    /** The k (or fewer, when there are fewer distinct values) optimal centers, in increasing order. */
    public static double[] centers(double[] values, int k) {
        return centers(values, k, MAX_SPLIT_CELLS);
    }

    static double[] centers(double[] values, int k, long maxSplitCells) {
        if (k < 1) {
            throw new IllegalArgumentException("k-means needs k ≥ 1, got " + k);
        }
        if (values.length == 0) {
            throw new IllegalArgumentException("k-means of no values");
        }
        double[] sorted = values.clone();
        DoubleSort.sort(sorted);
        if (!Double.isFinite(sorted[0]) || !Double.isFinite(sorted[sorted.length - 1])) {
            throw new IllegalArgumentException("k-means of non-finite values (NaN or infinity in the weights)");
        }
        // Shift by the median so that sums of squares do not cancel catastrophically.
        double shift = sorted[sorted.length / 2];
        Runs runs = Runs.ofDistinct(sorted, shift);
        if (runs.size() <= k) {
            return runs.means(shift);
        }
        if (k == 1) {
            return new double[] {runs.mean(0, runs.size(), shift)};
        }
        boolean approximate = (long) runs.size() * (k - 1) > maxSplitCells;
        if (approximate) {
            runs = Runs.ofEqualCounts(sorted, shift, (int) Math.max(k + 1, maxSplitCells / (k - 1)));
        }
        double[] centers = new Dp(runs, k).solve(shift);
        return approximate ? lloyd(sorted, centers) : centers;
    }

    /** Lloyd iterations on sorted values from sorted centers; stops when the centers stop moving. */
    private static double[] lloyd(double[] sorted, double[] centers) {
        double[] c = centers.clone();
        for (int iteration = 0; iteration < MAX_LLOYD_ITERATIONS; iteration++) {
            double[] sum = new double[c.length];
            long[] count = new long[c.length];
            for (double v : sorted) {
                int j = Codebooks.nearest(c, v);
                sum[j] += v;
                count[j]++;
            }
            double[] next = c.clone();
            for (int j = 0; j < c.length; j++) {
                if (count[j] > 0) {
                    next[j] = sum[j] / count[j];
                }
            }
            Arrays.sort(next);
            if (Arrays.equals(next, c)) {
                break;
            }
            c = next;
        }
        return c;
    }

    /** Consecutive groups of sorted values, with prefix sums of counts, sums and squares (shifted). */
    private static final class Runs {
        final double[] count; // prefix, length size + 1
        final double[] sum;
        final double[] squares;

        private Runs(int size) {
            count = new double[size + 1];
            sum = new double[size + 1];
            squares = new double[size + 1];
        }

        int size() {
            return count.length - 1;
        }

        static Runs ofDistinct(double[] sorted, double shift) {
            int distinct = 1;
            for (int i = 1; i < sorted.length; i++) {
                if (sorted[i] != sorted[i - 1]) {
                    distinct++;
                }
            }
            Runs runs = new Runs(distinct);
            int r = 0;
            for (int i = 0; i < sorted.length; i++) {
                if (i > 0 && sorted[i] != sorted[i - 1]) {
                    r++;
                }
                runs.add(r, sorted[i] - shift);
            }
            runs.accumulate();
            return runs;
        }

        static Runs ofEqualCounts(double[] sorted, double shift, int size) {
            Runs runs = new Runs(size);
            for (int i = 0; i < sorted.length; i++) {
                runs.add((int) ((long) i * size / sorted.length), sorted[i] - shift);
            }
            runs.accumulate();
            return runs;
        }

        private void add(int run, double v) {
            count[run + 1] += 1;
            sum[run + 1] += v;
            squares[run + 1] += v * v;
        }

        private void accumulate() {
            for (int i = 1; i < count.length; i++) {
                count[i] += count[i - 1];
                sum[i] += sum[i - 1];
                squares[i] += squares[i - 1];
            }
        }

        /** Sum of squared deviations from their mean of runs [from, to). */
        double cost(int from, int to) {
            double n = count[to] - count[from];
            double s = sum[to] - sum[from];
            double c = squares[to] - squares[from] - s * s / n;
            return c > 0 ? c : 0;
        }

        double mean(int from, int to, double shift) {
            return (sum[to] - sum[from]) / (count[to] - count[from]) + shift;
        }

        double[] means(double shift) {
            double[] m = new double[size()];
            for (int r = 0; r < m.length; r++) {
                m[r] = mean(r, r + 1, shift);
            }
            return m;
        }
    }

    /** The DP over runs: layer m holds the best cost of m clusters over runs [0, j]. */
    private static final class Dp {
        private final Runs runs;
        private final int k;
        private final int n;
        /** split[m][j]: first run of the last of m+2 clusters covering runs [0, j]. */
        private final int[][] split;
        private double[] previous;
        private double[] current;

        Dp(Runs runs, int k) {
            this.runs = runs;
            this.k = k;
            this.n = runs.size();
            this.split = new int[k - 1][];
        }

        double[] solve(double shift) {
            previous = new double[n];
            for (int j = 0; j < n; j++) {
                previous[j] = runs.cost(0, j + 1);
            }
            for (int m = 2; m < k; m++) {
                current = new double[n];
                split[m - 2] = new int[n];
                fill(m, m - 1, n - 1, m - 1, n - 1);
                previous = current;
            }
            // Last layer: only j = n − 1 is needed.
            split[k - 2] = new int[n];
            int bestStart = k - 1;
            double best = Double.POSITIVE_INFINITY;
            for (int i = k - 1; i < n; i++) {
                double c = previous[i - 1] + runs.cost(i, n);
                if (c < best) {
                    best = c;
                    bestStart = i;
                }
            }
            split[k - 2][n - 1] = bestStart;
            return backtrack(shift);
        }

        /** Fills current[jLo..jHi] knowing that their optimal splits lie in [iLo, iHi]. */
        private void fill(int m, int jLo, int jHi, int iLo, int iHi) {
            if (jLo > jHi) {
                return;
            }
            int j = (jLo + jHi) >>> 1;
            int bestStart = Math.max(iLo, m - 1);
            double best = Double.POSITIVE_INFINITY;
            for (int i = bestStart, last = Math.min(j, iHi); i <= last; i++) {
                double c = previous[i - 1] + runs.cost(i, j + 1);
                if (c < best) {
                    best = c;
                    bestStart = i;
                }
            }
            current[j] = best;
            split[m - 2][j] = bestStart;
            fill(m, jLo, j - 1, iLo, bestStart);
            fill(m, j + 1, jHi, bestStart, iHi);
        }

        private double[] backtrack(double shift) {
            double[] centers = new double[k];
            int end = n;
            for (int m = k; m >= 2; m--) {
                int start = split[m - 2][end - 1];
                centers[m - 1] = runs.mean(start, end, shift);
                end = start;
            }
            centers[0] = runs.mean(0, end, shift);
            return centers;
        }
    }
}
