package io.tflc.compressors;

/**
 * A weight matrix as the product U·V of an m×r and an r×n factor. Bits: 32 per factor entry, 32·r·(m + n).
 */
public record LowRankFactors(Matrix u, Matrix v) implements Theta {

    public LowRankFactors {
        if (u.cols() != v.rows()) {
            throw new IllegalArgumentException("factors do not chain: U " + u.shape() + ", V " + v.shape());
        }
    }

    public int rank() {
        return u.cols();
    }

    @Override
    public int rows() {
        return u.rows();
    }

    @Override
    public int cols() {
        return v.cols();
    }

    @Override
    public Matrix decompress() {
        return u.times(v);
    }

    @Override
    public long bits() {
        return (long) Bits.FLOAT * (u.size() + (long) v.size());
    }
}
