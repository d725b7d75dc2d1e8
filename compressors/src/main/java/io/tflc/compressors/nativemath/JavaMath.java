package io.tflc.compressors.nativemath;

import io.tflc.compressors.Matrix;

/**
 * Plain-Java linear algebra, written for being obviously right rather than fast: the references the native results
 * are checked against. Only for the small matrices of {@link NativeMathCheck}.
 */
final class JavaMath {

    private JavaMath() {
    }

    static Matrix times(Matrix a, Matrix b) {
        double[] out = new double[a.rows() * b.cols()];
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < b.cols(); j++) {
                double s = 0;
                for (int k = 0; k < a.cols(); k++) {
                    s += a.get(i, k) * b.get(k, j);
                }
                out[i * b.cols() + j] = s;
            }
        }
        return Matrix.of(a.rows(), b.cols(), out);
    }

    /** A with its columns in the order {@code order}. */
    static Matrix columns(Matrix a, int[] order) {
        double[] out = new double[a.rows() * order.length];
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < order.length; j++) {
                out[i * order.length + j] = a.get(i, order[j]);
            }
        }
        return Matrix.of(a.rows(), order.length, out);
    }

    /** A·diag(s). */
    static Matrix scaleColumns(Matrix a, double[] s) {
        double[] out = a.toArray();
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < a.cols(); j++) {
                out[i * a.cols() + j] *= s[j];
            }
        }
        return Matrix.of(a.rows(), a.cols(), out);
    }

    /** The columns of A made orthonormal by modified Gram-Schmidt (A of full column rank). */
    static Matrix orthonormalColumns(Matrix a) {
        double[][] columns = columnsOf(a);
        for (int j = 0; j < columns.length; j++) {
            for (int i = 0; i < j; i++) {
                subtract(columns[j], columns[i], dot(columns[i], columns[j]));
            }
            scale(columns[j], 1 / Math.sqrt(dot(columns[j], columns[j])));
        }
        return fromColumns(a.rows(), columns);
    }

    /** Pivot order and |R_jj| of a column-pivoted QR: at each step the column with the largest remaining norm. */
    record PivotedGramSchmidt(int[] pivots, double[] diagonal) {
    }

    static PivotedGramSchmidt pivotedGramSchmidt(Matrix a) {
        double[][] columns = columnsOf(a);
        int n = columns.length;
        int steps = Math.min(a.rows(), n);
        int[] order = new int[n];
        for (int j = 0; j < n; j++) {
            order[j] = j;
        }
        double[] diagonal = new double[steps];
        for (int k = 0; k < steps; k++) {
            int best = k;
            for (int j = k + 1; j < n; j++) {
                if (dot(columns[order[j]], columns[order[j]]) > dot(columns[order[best]], columns[order[best]])) {
                    best = j;
                }
            }
            int chosen = order[best];
            order[best] = order[k];
            order[k] = chosen;
            double norm = Math.sqrt(dot(columns[chosen], columns[chosen]));
            diagonal[k] = norm;
            scale(columns[chosen], 1 / norm);
            for (int j = k + 1; j < n; j++) {
                subtract(columns[order[j]], columns[chosen], dot(columns[chosen], columns[order[j]]));
            }
        }
        return new PivotedGramSchmidt(order, diagonal);
    }

    private static double[][] columnsOf(Matrix a) {
        double[][] columns = new double[a.cols()][a.rows()];
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < a.cols(); j++) {
                columns[j][i] = a.get(i, j);
            }
        }
        return columns;
    }

    private static Matrix fromColumns(int rows, double[][] columns) {
        double[] out = new double[rows * columns.length];
        for (int j = 0; j < columns.length; j++) {
            for (int i = 0; i < rows; i++) {
                out[i * columns.length + j] = columns[j][i];
            }
        }
        return Matrix.of(rows, columns.length, out);
    }

    private static double dot(double[] x, double[] y) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }

    private static void subtract(double[] x, double[] y, double factor) {
        for (int i = 0; i < x.length; i++) {
            x[i] -= factor * y[i];
        }
    }

    private static void scale(double[] x, double factor) {
        for (int i = 0; i < x.length; i++) {
            x[i] *= factor;
        }
    }
}
