package io.tflc.compressors;

import java.util.Arrays;

/**
 * Every weight replaced by an entry of a small codebook: codes are indices into {@code codebook}.
 *
 * <p>Bits: ⌈log2 |codebook|⌉ per weight for the codes, plus 32 per codebook value that must be stored
 * ({@code storedCodebookValues}: 0 for binary {−1,+1}, 1 for the scale of scaled binary/ternary, |codebook|
 * for an adaptive or fixed codebook).
 */
public record Quantized(int rows, int cols, double[] codebook, int[] codes, int storedCodebookValues)
        implements Theta {

    public Quantized {
        codebook = codebook.clone();
        codes = codes.clone();
        if ((long) rows * cols != codes.length) {
            throw new IllegalArgumentException("need " + (long) rows * cols + " codes, got " + codes.length);
        }
        if (codebook.length == 0) {
            throw new IllegalArgumentException("empty codebook");
        }
        for (int c : codes) {
            if (c < 0 || c >= codebook.length) {
                throw new IllegalArgumentException("code " + c + " outside a codebook of " + codebook.length);
            }
        }
        if (storedCodebookValues < 0 || storedCodebookValues > codebook.length) {
            throw new IllegalArgumentException("storedCodebookValues " + storedCodebookValues);
        }
    }

    @Override
    public double[] codebook() {
        return codebook.clone();
    }

    @Override
    public int[] codes() {
        return codes.clone();
    }

    @Override
    public Matrix decompress() {
        double[] out = new double[codes.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = codebook[codes[i]];
        }
        return Matrix.adopt(rows, cols, out);
    }

    @Override
    public long bits() {
        return (long) Bits.ceilLog2(codebook.length) * codes.length + (long) Bits.FLOAT * storedCodebookValues;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Quantized q && rows == q.rows && cols == q.cols
                && storedCodebookValues == q.storedCodebookValues
                && Arrays.equals(codebook, q.codebook) && Arrays.equals(codes, q.codes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(codes) * 31 + Arrays.hashCode(codebook);
    }

    @Override
    public String toString() {
        return "Quantized[" + rows + "×" + cols + ", codebook=" + Arrays.toString(codebook) + "]";
    }
}
