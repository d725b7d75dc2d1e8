package io.tflc.compressors.lowrank;

import io.tflc.compressors.CStep;
import io.tflc.compressors.Compression;
import io.tflc.compressors.LowRankFactors;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.Theta;
import io.tflc.compressors.Uncompressed;

/**
 * Low-rank compression to rank at most r: the exact C-step is the truncated SVD (Eckart–Young). When r ≥ min(m, n)
 * the matrix is its own best approximation and is returned as it is ({@link Uncompressed}), since its factors
 * would only cost more. Bits: 32·r·(m + n).
 */
public record FixedRank(int rank) implements Compression {

    public FixedRank {
        if (rank < 0) {
            throw new IllegalArgumentException("low rank needs r ≥ 0, got " + rank);
        }
    }

    @Override
    public Theta compress(Matrix x, CStep step) {
        if (rank >= Math.min(x.rows(), x.cols())) {
            return new Uncompressed(x);
        }
        Matrix[] factors = Svd.of(x).truncate(rank);
        return new LowRankFactors(factors[0], factors[1]);
    }

    @Override
    public String describe() {
        return "low_rank(r=" + rank + ")";
    }
}
