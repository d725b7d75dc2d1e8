package io.tflc.savedmodels.storage;

/**
 * Unsigned integers of b bits packed into int32 words, ⌊32/b⌋ per word, the first in the lowest bits. A value
 * never straddles two words, so TF decodes them with one shift and one mask per value (at most 2 bits per word
 * are wasted, for b = 3, 5, 6, 7: 6% or less).
 */
public final class BitPacking {
    private BitPacking() {
    }

    /** Values per int32 word at {@code bits} bits each. */
    public static int perWord(int bits) {
        if (bits < 1 || bits > 32) {
            throw new IllegalArgumentException("bits per value must be in 1..32, got " + bits);
        }
        return 32 / bits;
    }

    public static int[] pack(int[] values, int bits) {
        int per = perWord(bits);
        long mask = bits == 32 ? 0xffffffffL : (1L << bits) - 1;
        int[] words = new int[(values.length + per - 1) / per];
        for (int i = 0; i < values.length; i++) {
            if ((values[i] & 0xffffffffL) > mask) {
                throw new IllegalArgumentException("value " + values[i] + " does not fit in " + bits + " bits");
            }
            words[i / per] |= (int) ((values[i] & mask) << (bits * (i % per)));
        }
        return words;
    }

    public static int[] unpack(int[] words, int bits, int count) {
        int per = perWord(bits);
        long mask = bits == 32 ? 0xffffffffL : (1L << bits) - 1;
        int[] values = new int[count];
        for (int i = 0; i < count; i++) {
            values[i] = (int) (((words[i / per] & 0xffffffffL) >>> (bits * (i % per))) & mask);
        }
        return values;
    }
}
