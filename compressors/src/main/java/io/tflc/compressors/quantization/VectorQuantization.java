package io.tflc.compressors.quantization;

import io.tflc.compressors.CStep;
import io.tflc.compressors.Compression;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.Theta;
import io.tflc.compressors.VectorQuantized;
import java.util.SplittableRandom;

/**
 * Vector quantization: the view, read in row-major order as vectors of d consecutive values, each replaced by
 * one of k codebook vectors. The C-step is k-means in d dimensions, which is NP-hard in general, so this is the
 * best known practical algorithm rather than an exact one: Lloyd iterations from the previous Θ's codebook (warm
 * start) and from {@code restarts} k-means++ seedings, keeping the lowest error. Deterministic for a given seed
 * and LC step. Bits: ⌈log2 k⌉ per vector + 32·k·d.
 */
public record VectorQuantization(int k, int dimension, int restarts, long seed) implements Compression {

    private static final int MAX_ITERATIONS = 300;

    /** Lloyd and Hartigan stop when a pass lowers the error by less than this share of it. */
    private static final double RELATIVE_TOLERANCE = 1e-7;

    public VectorQuantization {
        if (k < 1 || dimension < 1 || restarts < 0) {
            throw new IllegalArgumentException(
                    "vector quantization needs k ≥ 1, d ≥ 1, restarts ≥ 0; got k=" + k + ", d=" + dimension
                            + ", restarts=" + restarts);
        }
    }

    /** k codebook vectors of d values, 4 k-means++ restarts, seed 0. */
    public VectorQuantization(int k, int dimension) {
        this(k, dimension, 4, 0);
    }

    @Override
    public Theta compress(Matrix x, CStep step) {
        if (x.size() % dimension != 0) {
            throw new IllegalArgumentException("vector quantization with d=" + dimension + " needs a view whose size "
                    + "is a multiple of d; this view is " + x.shape() + " (" + x.size() + " values)");
        }
        double[] points = x.toArray();
        int n = points.length / dimension;
        Clustering best = null;
        if (step.previous().orElse(null) instanceof VectorQuantized previous
                && previous.codebook().rows() == k && previous.dimension() == dimension) {
            best = refine(points, n, previous.codebook().toArray());
        }
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + step.lcStep());
        for (int r = 0; r < Math.max(restarts, best == null ? 1 : 0); r++) {
            Clustering candidate = refine(points, n, seedPlusPlus(points, n, random));
            if (best == null || candidate.error < best.error) {
                best = candidate;
            }
        }
        return new VectorQuantized(x.rows(), x.cols(), Matrix.of(k, dimension, best.centers), best.codes);
    }

    @Override
    public String describe() {
        return "vector_quantization(k=" + k + ", d=" + dimension + ")";
    }

    private record Clustering(double[] centers, int[] codes, double error) {
    }

    /** k-means++ seeding: each next center drawn with probability proportional to the squared distance. */
    private double[] seedPlusPlus(double[] points, int n, SplittableRandom random) {
        double[] centers = new double[k * dimension];
        double[] distance = new double[n];
        int first = random.nextInt(n);
        System.arraycopy(points, first * dimension, centers, 0, dimension);
        for (int p = 0; p < n; p++) {
            distance[p] = squaredDistance(points, p, centers, 0);
        }
        for (int c = 1; c < k; c++) {
            double total = 0;
            for (double d : distance) {
                total += d;
            }
            int chosen;
            if (total == 0) {
                chosen = random.nextInt(n); // fewer distinct vectors than k: any point will do
            } else {
                double target = random.nextDouble() * total;
                chosen = n - 1;
                for (int p = 0; p < n; p++) {
                    target -= distance[p];
                    if (target < 0) {
                        chosen = p;
                        break;
                    }
                }
            }
            System.arraycopy(points, chosen * dimension, centers, c * dimension, dimension);
            for (int p = 0; p < n; p++) {
                distance[p] = Math.min(distance[p], squaredDistance(points, p, centers, c));
            }
        }
        return centers;
    }

    private Clustering refine(double[] points, int n, double[] start) {
        return hartigan(points, n, lloyd(points, n, start));
    }

    /**
     * Hartigan's moves: take a point out of its cluster A into B when n_B/(n_B+1)·‖x − c_B‖² is below
     * n_A/(n_A−1)·‖x − c_A‖², updating both means at once; each move lowers the error strictly.
     */
    private Clustering hartigan(double[] points, int n, Clustering start) {
        double[] centers = start.centers.clone();
        int[] codes = start.codes.clone();
        int[] counts = new int[k];
        for (int c : codes) {
            counts[c]++;
        }
        double error = 0;
        for (int p = 0; p < n; p++) {
            error += squaredDistance(points, p, centers, codes[p]);
        }
        boolean moved = true;
        for (int pass = 0; moved && pass < MAX_ITERATIONS; pass++) {
            moved = false;
            double gained = 0;
            for (int p = 0; p < n; p++) {
                int from = codes[p];
                if (counts[from] <= 1) {
                    continue;
                }
                double leave = counts[from] / (counts[from] - 1.0) * squaredDistance(points, p, centers, from);
                int to = from;
                double join = leave;
                for (int c = 0; c < k; c++) {
                    if (c != from) {
                        double cost = counts[c] / (counts[c] + 1.0) * squaredDistance(points, p, centers, c);
                        if (cost < join * (1 - 1e-12)) {
                            join = cost;
                            to = c;
                        }
                    }
                }
                if (to != from) {
                    gained += leave - join;
                    for (int t = 0; t < dimension; t++) {
                        double v = points[p * dimension + t];
                        centers[from * dimension + t] += (centers[from * dimension + t] - v) / (counts[from] - 1);
                        centers[to * dimension + t] += (v - centers[to * dimension + t]) / (counts[to] + 1);
                    }
                    counts[from]--;
                    counts[to]++;
                    codes[p] = to;
                    moved = true;
                }
            }
            error -= gained;
            moved &= gained > RELATIVE_TOLERANCE * error;
        }
        error = 0;
        for (int p = 0; p < n; p++) {
            error += squaredDistance(points, p, centers, codes[p]);
        }
        return new Clustering(centers, codes, error);
    }

    /**
     * Lloyd iterations until the assignment stops changing or an iteration gains less than the tolerance; an
     * emptied cluster takes the worst-served point.
     */
    private Clustering lloyd(double[] points, int n, double[] start) {
        double[] centers = start.clone();
        int[] codes = new int[n];
        double[] nearest = new double[n];
        double error = Double.POSITIVE_INFINITY;
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            boolean changed = assign(points, n, centers, codes, nearest) || iteration == 0;
            double previous = error;
            error = 0;
            for (double d : nearest) {
                error += d;
            }
            if (!changed || previous - error <= RELATIVE_TOLERANCE * error) {
                break;
            }
            recenter(points, n, centers, codes, nearest);
        }
        return new Clustering(centers, codes, error);
    }

    private boolean assign(double[] points, int n, double[] centers, int[] codes, double[] nearest) {
        boolean changed = false;
        for (int p = 0; p < n; p++) {
            int bestC = 0;
            double bestD = Double.POSITIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                double d = squaredDistance(points, p, centers, c);
                if (d < bestD) {
                    bestD = d;
                    bestC = c;
                }
            }
            changed |= codes[p] != bestC;
            codes[p] = bestC;
            nearest[p] = bestD;
        }
        return changed;
    }

    private void recenter(double[] points, int n, double[] centers, int[] codes, double[] nearest) {
        double[] sums = new double[k * dimension];
        int[] counts = new int[k];
        for (int p = 0; p < n; p++) {
            counts[codes[p]]++;
            for (int t = 0; t < dimension; t++) {
                sums[codes[p] * dimension + t] += points[p * dimension + t];
            }
        }
        for (int c = 0; c < k; c++) {
            if (counts[c] == 0) {
                int worst = 0;
                for (int p = 1; p < n; p++) {
                    if (nearest[p] > nearest[worst]) {
                        worst = p;
                    }
                }
                nearest[worst] = 0;
                System.arraycopy(points, worst * dimension, centers, c * dimension, dimension);
            } else {
                for (int t = 0; t < dimension; t++) {
                    centers[c * dimension + t] = sums[c * dimension + t] / counts[c];
                }
            }
        }
    }

    private double squaredDistance(double[] points, int p, double[] centers, int c) {
        double s = 0;
        for (int t = 0; t < dimension; t++) {
            double d = points[p * dimension + t] - centers[c * dimension + t];
            s += d * d;
        }
        return s;
    }
}
