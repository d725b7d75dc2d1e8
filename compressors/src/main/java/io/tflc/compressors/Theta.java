package io.tflc.compressors;

/**
 * Θ, the low-dimensional parameters a C-step returns: it decompresses to the dense weights Δ(Θ), knows how many
 * bits its storage takes, and exposes its parts (each implementation is a record) so that an exporter can store
 * them. Θ is immutable.
 */
public sealed interface Theta
        permits Quantized, SparseValues, LowRankFactors, Uncompressed, AdditiveSum, VectorQuantized, SparseFactors {

    /** Rows of the view this Θ decompresses to. */
    int rows();

    /** Columns of the view this Θ decompresses to. */
    int cols();

    /** Δ(Θ): the dense weights, in the shape of the view. */
    Matrix decompress();

    /** Bits of the stored form (see each implementation for its exact formula). */
    long bits();
}
