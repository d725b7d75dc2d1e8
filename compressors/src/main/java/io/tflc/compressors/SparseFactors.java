package io.tflc.compressors;

import java.util.Arrays;

/**
 * The weights, read in row-major order as n vectors of d values, as W ≈ Z·C: each vector is the sum of at most s
 * codebook rows C[index] times a value. C (k×d) holds values of a b_c-bit grid (one stored scale) or floats; Z's
 * values a b_z-bit grid, floats, or 1 (b_z = 0: vector quantization when s = 1).
 *
 * <p>Bits: n·s·(b_z + ⌈log2 k⌉) + k·d·b_c + 32 per quantized factor's scale (a float factor counts 32 bits a value).
 *
 * @param codebook C, dequantized, k×d
 * @param indices the codebook rows of each vector's terms, n·s (unused terms point at row 0 with value 0)
 * @param values the terms' values, dequantized, n·s
 * @param valueBits b_z: 0 for unit values, 32 for floats
 * @param codebookBits b_c: 32 for floats
 * @param objectives ‖W − ZC‖² after each projected-gradient iteration (diagnostics)
 */
public record SparseFactors(int rows, int cols, Matrix codebook, int[] indices, double[] values, int terms,
                            int valueBits, double valueScale, int codebookBits, double codebookScale,
                            double[] objectives) implements Theta {

    public SparseFactors {
        indices = indices.clone();
        values = values.clone();
        objectives = objectives.clone();
        int d = codebook.cols();
        if ((long) rows * cols % d != 0 || indices.length != (long) rows * cols / d * terms
                || values.length != indices.length) {
            throw new IllegalArgumentException("sparse factors do not fit a " + rows + "×" + cols + " view");
        }
    }

    @Override
    public int[] indices() {
        return indices.clone();
    }

    @Override
    public double[] values() {
        return values.clone();
    }

    @Override
    public double[] objectives() {
        return objectives.clone();
    }

    /** Values per vector (d). */
    public int dimension() {
        return codebook.cols();
    }

    @Override
    public Matrix decompress() {
        int d = codebook.cols();
        int n = rows * cols / d;
        double[] out = new double[rows * cols];
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < terms; t++) {
                double v = values[i * terms + t];
                if (v == 0) {
                    continue;
                }
                int c = indices[i * terms + t];
                for (int j = 0; j < d; j++) {
                    out[i * d + j] += v * codebook.get(c, j);
                }
            }
        }
        return Matrix.adopt(rows, cols, out);
    }

    @Override
    public long bits() {
        long n = (long) rows * cols / codebook.cols();
        long perTerm = valueBits + Bits.ceilLog2(codebook.rows());
        long scales = (valueBits > 0 && valueBits < 32 ? 32 : 0) + (codebookBits < 32 ? 32 : 0);
        return n * terms * perTerm + (long) codebook.size() * codebookBits + scales;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SparseFactors f && rows == f.rows && cols == f.cols && codebook.equals(f.codebook)
                && Arrays.equals(indices, f.indices) && Arrays.equals(values, f.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(indices) * 31 + codebook.hashCode();
    }

    @Override
    public String toString() {
        return "SparseFactors[" + rows + "×" + cols + ", k=" + codebook.rows() + ", d=" + codebook.cols() + ", s="
                + terms + "]";
    }
}
