package io.tflc.compressors;

/**
 * How the positions of kept values are stored, and what that costs in bits (values are counted separately).
 *
 * <ul>
 *   <li><b>Gaps at a fixed width b</b>: each position is stored as its distance to the previous one (the first
 *       from −1), in b bits holding 1..2^b. A distance larger than 2^b is bridged by filler entries that advance
 *       2^b positions and carry a stored zero value, so filler entries cost b + 32 bits. The width b is the one
 *       that minimises the total.</li>
 *   <li><b>Bitmap</b>: one bit per weight; cheaper when more than roughly 1/b of the weights are kept.</li>
 * </ul>
 *
 * @param width gap width in bits, or 0 for the bitmap
 * @param fillers filler entries the gap code needs (0 for the bitmap)
 * @param bits bits of the position code, including the fillers' stored zero values
 */
public record PositionCoding(int width, long fillers, long bits) {

    /** The cheapest coding of {@code positions} (strictly increasing) among {@code n} weights. */
    public static PositionCoding best(int[] positions, int n) {
        PositionCoding best = new PositionCoding(0, 0, n);
        if (positions.length == 0) {
            return new PositionCoding(0, 0, 0);
        }
        for (int width = 1; width <= 31; width++) {
            long fillers = fillers(positions, width);
            long bits = width * (positions.length + fillers) + (long) Bits.FLOAT * fillers;
            if (bits < best.bits) {
                best = new PositionCoding(width, fillers, bits);
            }
        }
        return best;
    }

    /** Filler entries a gap code of {@code width} bits needs for {@code positions}. */
    public static long fillers(int[] positions, int width) {
        long span = 1L << width;
        long fillers = 0;
        int previous = -1;
        for (int p : positions) {
            long gap = p - previous;
            fillers += (gap - 1) / span;
            previous = p;
        }
        return fillers;
    }

    /** True for the bitmap form. */
    public boolean isBitmap() {
        return width == 0;
    }
}
