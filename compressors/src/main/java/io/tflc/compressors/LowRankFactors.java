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

    /**
     * The first {@code k} columns of U and rows of V: for factors from a truncated SVD (columns in decreasing
     * singular value, as every low-rank C-step makes them) the best rank-k approximation of the same matrix.
     */
    public LowRankFactors truncated(int k) {
        if (k < 1 || k > rank()) {
            throw new IllegalArgumentException("cannot truncate rank-" + rank() + " factors to rank " + k);
        }
        double[] left = new double[u.rows() * k];
        for (int i = 0; i < u.rows(); i++) {
            for (int j = 0; j < k; j++) {
                left[i * k + j] = u.get(i, j);
            }
        }
        double[] right = new double[k * v.cols()];
        for (int j = 0; j < k; j++) {
            for (int c = 0; c < v.cols(); c++) {
                right[j * v.cols() + c] = v.get(j, c);
            }
        }
        return new LowRankFactors(Matrix.of(u.rows(), k, left), Matrix.of(k, v.cols(), right));
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
