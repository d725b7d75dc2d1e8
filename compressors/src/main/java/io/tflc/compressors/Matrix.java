package io.tflc.compressors;

import io.tflc.compressors.nativemath.NativeBlas;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * An immutable dense matrix of doubles in row-major order: the common currency of views and C-steps.
 * A vector is a 1×N matrix. C-steps run in double precision so that their exactness can be tested to 1e-6.
 */
public final class Matrix {
    private final int rows;
    private final int cols;
    private final double[] data;

    private Matrix(int rows, int cols, double[] data) {
        this.rows = rows;
        this.cols = cols;
        this.data = data;
    }

    /** A matrix holding a copy of {@code rowMajor}. */
    public static Matrix of(int rows, int cols, double[] rowMajor) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("negative shape " + rows + "×" + cols);
        }
        if ((long) rows * cols != rowMajor.length) {
            throw new IllegalArgumentException(
                    "a " + rows + "×" + cols + " matrix needs " + (long) rows * cols + " values, got " + rowMajor.length);
        }
        return new Matrix(rows, cols, rowMajor.clone());
    }

    /** A 1×N row vector. */
    public static Matrix rowVector(double... values) {
        return of(1, values.length, values);
    }

    public static Matrix zeros(int rows, int cols) {
        return new Matrix(rows, cols, new double[Math.multiplyExact(rows, cols)]);
    }

    /** Builds a matrix from an array the caller hands over and never touches again (no copy). */
    static Matrix adopt(int rows, int cols, double[] rowMajor) {
        return new Matrix(rows, cols, rowMajor);
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public int size() {
        return data.length;
    }

    public double get(int row, int col) {
        return data[row * cols + col];
    }

    /** The i-th value in row-major order. */
    public double at(int i) {
        return data[i];
    }

    /** A copy of the values in row-major order. */
    public double[] toArray() {
        return data.clone();
    }

    public Matrix plus(Matrix other) {
        requireSameShape(other);
        double[] out = new double[data.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = data[i] + other.data[i];
        }
        return new Matrix(rows, cols, out);
    }

    public Matrix minus(Matrix other) {
        requireSameShape(other);
        double[] out = new double[data.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = data[i] - other.data[i];
        }
        return new Matrix(rows, cols, out);
    }

    /** The matrix product, by ND4J's BLAS gemm in double precision. */
    public Matrix times(Matrix other) {
        if (cols != other.rows) {
            throw new IllegalArgumentException("cannot multiply " + shape() + " by " + other.shape());
        }
        if (rows == 0 || cols == 0 || other.cols == 0) {
            return zeros(rows, other.cols);
        }
        NativeBlas.ready();
        try (INDArray a = Nd4j.create(data, new long[] {rows, cols}, DataType.DOUBLE);
             INDArray b = Nd4j.create(other.data, new long[] {other.rows, other.cols}, DataType.DOUBLE);
             INDArray c = a.mmul(b);
             INDArray rowMajor = c.dup('c')) {
            return new Matrix(rows, other.cols, rowMajor.data().asDouble());
        }
    }

    public Matrix transpose() {
        double[] out = new double[data.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[j * rows + i] = data[i * cols + j];
            }
        }
        return new Matrix(cols, rows, out);
    }

    /** The same values read as a {@code rows×cols} matrix (row-major order kept). */
    public Matrix reshape(int newRows, int newCols) {
        if ((long) newRows * newCols != data.length) {
            throw new IllegalArgumentException("cannot reshape " + shape() + " to " + newRows + "×" + newCols);
        }
        return new Matrix(newRows, newCols, data);
    }

    public double squaredNorm() {
        double s = 0;
        for (double v : data) {
            s += v * v;
        }
        return s;
    }

    public double squaredDistance(Matrix other) {
        requireSameShape(other);
        double s = 0;
        for (int i = 0; i < data.length; i++) {
            double d = data[i] - other.data[i];
            s += d * d;
        }
        return s;
    }

    public String shape() {
        return rows + "×" + cols;
    }

    private void requireSameShape(Matrix other) {
        if (rows != other.rows || cols != other.cols) {
            throw new IllegalArgumentException("shape mismatch: " + shape() + " vs " + other.shape());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Matrix m && rows == m.rows && cols == m.cols && Arrays.equals(data, m.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * rows + cols) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Matrix " + shape() + (data.length <= 16 ? " " + Arrays.toString(data) : "");
    }
}
