package io.tflc.compressors;

/** Small helpers for bit accounting. */
public final class Bits {
    /** Bits of one stored float: codebook entries, kept values, factor entries. */
    public static final int FLOAT = 32;

    private Bits() {
    }

    /** ⌈log2 n⌉ for n ≥ 1: the bits needed to tell n things apart (0 for n = 1). */
    public static int ceilLog2(long n) {
        if (n < 1) {
            throw new IllegalArgumentException("ceilLog2 of " + n);
        }
        return 64 - Long.numberOfLeadingZeros(n - 1);
    }
}
