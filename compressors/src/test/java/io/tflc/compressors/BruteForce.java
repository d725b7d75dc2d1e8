package io.tflc.compressors;

import java.util.Random;

/**
 * Exhaustive reference optima for small inputs, written independently of the C-steps they check: enumerations
 * of assignments and subsets, and singular values from a Jacobi eigen-solver (no LAPACK).
 */
public final class BruteForce {
    private BruteForce() {
    }

    public static Matrix random(Random random, int rows, int cols) {
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextGaussian();
        }
        return Matrix.of(rows, cols, v);
    }

    /** Calls {@code visit} with every assignment of n items to k labels. */
    public static void assignments(int n, int k, java.util.function.Consumer<int[]> visit) {
        int[] a = new int[n];
        while (true) {
            visit.accept(a);
            int i = 0;
            while (i < n && ++a[i] == k) {
                a[i] = 0;
                i++;
            }
            if (i == n) {
                return;
            }
        }
    }

    /** min over assignments of n scalars to k clusters of the within-cluster sum of squares. */
    public static double kMeans1D(double[] x, int k) {
        double[] best = {Double.POSITIVE_INFINITY};
        assignments(x.length, k, a -> {
            double[] sum = new double[k];
            int[] count = new int[k];
            for (int i = 0; i < x.length; i++) {
                sum[a[i]] += x[i];
                count[a[i]]++;
            }
            double err = 0;
            for (int i = 0; i < x.length; i++) {
                double d = x[i] - sum[a[i]] / count[a[i]];
                err += d * d;
            }
            best[0] = Math.min(best[0], err);
        });
        return best[0];
    }

    /** min over assignments of the n rows of d values to k clusters of the within-cluster sum of squares. */
    public static double kMeans(double[] points, int d, int k) {
        int n = points.length / d;
        double[] best = {Double.POSITIVE_INFINITY};
        assignments(n, k, a -> {
            double[] sum = new double[k * d];
            int[] count = new int[k];
            for (int p = 0; p < n; p++) {
                count[a[p]]++;
                for (int t = 0; t < d; t++) {
                    sum[a[p] * d + t] += points[p * d + t];
                }
            }
            double err = 0;
            for (int p = 0; p < n; p++) {
                for (int t = 0; t < d; t++) {
                    double diff = points[p * d + t] - sum[a[p] * d + t] / count[a[p]];
                    err += diff * diff;
                }
            }
            best[0] = Math.min(best[0], err);
        });
        return best[0];
    }

    /** Eigenvalues of a symmetric matrix by cyclic Jacobi rotations, decreasing. */
    public static double[] symmetricEigenvalues(Matrix s) {
        int n = s.rows();
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = s.get(i, j);
            }
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    off += a[i][j] * a[i][j];
                }
            }
            if (off < 1e-30) {
                break;
            }
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    if (Math.abs(a[p][q]) < 1e-300) {
                        continue;
                    }
                    double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
                    double t = Math.signum(theta == 0 ? 1 : theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    double c = 1 / Math.sqrt(t * t + 1);
                    double sn = t * c;
                    for (int k = 0; k < n; k++) {
                        double akp = a[k][p];
                        double akq = a[k][q];
                        a[k][p] = c * akp - sn * akq;
                        a[k][q] = sn * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) {
                        double apk = a[p][k];
                        double aqk = a[q][k];
                        a[p][k] = c * apk - sn * aqk;
                        a[q][k] = sn * apk + c * aqk;
                    }
                }
            }
        }
        double[] eig = new double[n];
        for (int i = 0; i < n; i++) {
            eig[i] = Math.max(a[i][i], 0);
        }
        java.util.Arrays.sort(eig);
        for (int i = 0; i < n / 2; i++) {
            double t = eig[i];
            eig[i] = eig[n - 1 - i];
            eig[n - 1 - i] = t;
        }
        return eig;
    }

    /** Squared singular values of x, decreasing (min(m, n) of them). */
    public static double[] squaredSingularValues(Matrix x) {
        Matrix gram = x.rows() <= x.cols() ? x.times(x.transpose()) : x.transpose().times(x);
        return symmetricEigenvalues(gram);
    }

    /** Relative difference scaled by the larger magnitude (absolute below 1e-12). */
    public static double relativeGap(double actual, double expected) {
        return Math.abs(actual - expected) / Math.max(Math.max(Math.abs(actual), Math.abs(expected)), 1e-12);
    }
}
