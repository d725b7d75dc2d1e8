package io.tflc.compressors;

import java.util.Arrays;

/**
 * The weights, read in row-major order as consecutive vectors of d values, each replaced by a row of a
 * k×d codebook. Bits: ⌈log2 k⌉ per vector plus 32·k·d for the codebook.
 */
public record VectorQuantized(int rows, int cols, Matrix codebook, int[] codes) implements Theta {

    public VectorQuantized {
        codes = codes.clone();
        int d = codebook.cols();
        if ((long) rows * cols != (long) codes.length * d) {
            throw new IllegalArgumentException(codes.length + " vectors of " + d + " do not fill " + rows + "×" + cols);
        }
        for (int c : codes) {
            if (c < 0 || c >= codebook.rows()) {
                throw new IllegalArgumentException("code " + c + " outside a codebook of " + codebook.rows());
            }
        }
    }

    @Override
    public int[] codes() {
        return codes.clone();
    }

    /** Values per vector. */
    public int dimension() {
        return codebook.cols();
    }

    @Override
    public Matrix decompress() {
        int d = codebook.cols();
        double[] out = new double[rows * cols];
        for (int j = 0; j < codes.length; j++) {
            for (int t = 0; t < d; t++) {
                out[j * d + t] = codebook.get(codes[j], t);
            }
        }
        return Matrix.adopt(rows, cols, out);
    }

    @Override
    public long bits() {
        return (long) Bits.ceilLog2(codebook.rows()) * codes.length + (long) Bits.FLOAT * codebook.size();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VectorQuantized v && rows == v.rows && cols == v.cols
                && codebook.equals(v.codebook) && Arrays.equals(codes, v.codes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(codes) * 31 + codebook.hashCode();
    }

    @Override
    public String toString() {
        return "VectorQuantized[" + rows + "×" + cols + ", k=" + codebook.rows() + ", d=" + codebook.cols() + "]";
    }
}
