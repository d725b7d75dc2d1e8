package io.tflc.compressors;

/**
 * Weights kept as they are (for example a low-rank target whose rank is not below min(m, n), where the factors
 * would cost more than the matrix). Bits: 32 per weight.
 */
public record Uncompressed(Matrix weights) implements Theta {

    @Override
    public int rows() {
        return weights.rows();
    }

    @Override
    public int cols() {
        return weights.cols();
    }

    @Override
    public Matrix decompress() {
        return weights;
    }

    @Override
    public long bits() {
        return (long) Bits.FLOAT * weights.size();
    }
}
