package io.tflc.compressors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.compressors.additive.AdditiveCombination;
import io.tflc.compressors.lowrank.FixedRank;
import io.tflc.compressors.pruning.L0Constraint;
import io.tflc.compressors.quantization.AdaptiveCodebook;
import io.tflc.compressors.quantization.Binary;
import io.tflc.compressors.quantization.ScaledBinary;
import io.tflc.compressors.quantization.ScaledTernary;
import io.tflc.compressors.quantization.VectorQuantization;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Exact bit counts on hand-made cases, and never more than the LC toolkit's formulas (docs/lc-algorithm.md,
 * 'Compression types').
 */
class BitsTest {
    private static final CStep DC = CStep.direct(1);

    @Test
    void quantizationCounts() {
        Matrix x = BruteForce.random(new Random(51), 10, 10);
        assertEquals(2 * 100 + 32 * 4, new AdaptiveCodebook(4).compress(x, DC).bits());
        assertEquals(3 * 100 + 32 * 5, new AdaptiveCodebook(5).compress(x, DC).bits());
        assertEquals(100, new Binary().compress(x, DC).bits());
        assertEquals(100 + 32, new ScaledBinary().compress(x, DC).bits());
        assertEquals(2 * 100 + 32, new ScaledTernary().compress(x, DC).bits());
        assertEquals(4 * 25 + 32 * 16 * 4, new VectorQuantization(16, 4).compress(x, DC).bits());
    }

    @Test
    void lowRankCounts() {
        Matrix x = BruteForce.random(new Random(52), 30, 20);
        assertEquals(32L * 3 * (30 + 20), new FixedRank(3).compress(x, DC).bits());
    }

    @Test
    void positionsByHand() {
        // Positions 0, 50, 99 of 100: gaps 1, 50, 49. At 6 bits (gaps up to 64) no filler: 3·6 = 18 bits,
        // the cheapest (5 bits needs 2 fillers: 5·5 + 2·32 = 89; the bitmap is 100).
        SparseValues s = new SparseValues(10, 10, new int[] {0, 50, 99}, new double[] {1, 2, 3});
        PositionCoding coding = PositionCoding.best(new int[] {0, 50, 99}, 100);
        assertEquals(6, coding.width());
        assertEquals(0, coding.fillers());
        assertEquals(18, coding.bits());
        assertEquals(3 * 32 + 18, s.bits());
        // Every other weight kept: gaps of 2. At 1 bit (gaps 1..2) 50 entries, 50 bits; the bitmap needs 100.
        int[] everyOther = new int[50];
        for (int i = 0; i < 50; i++) {
            everyOther[i] = 2 * i + 1;
        }
        assertEquals(new PositionCoding(1, 0, 50), PositionCoding.best(everyOther, 100));
        // All 100 kept: gaps of 1 at 1 bit cost 100, the same as the bitmap, which is kept.
        int[] all = new int[100];
        for (int i = 0; i < 100; i++) {
            all[i] = i;
        }
        assertTrue(PositionCoding.best(all, 100).isBitmap());
        assertEquals(100, PositionCoding.best(all, 100).bits());
        assertEquals(0, PositionCoding.best(new int[0], 100).bits());
    }

    @Test
    void neverMoreThanTheToolkitFormulas() {
        Random random = new Random(53);
        for (int trial = 0; trial < 200; trial++) {
            int rows = 1 + random.nextInt(40);
            int cols = 1 + random.nextInt(40);
            int n = rows * cols;
            Matrix x = BruteForce.random(random, rows, cols);
            int k = 1 + random.nextInt(16);
            assertTrue(new AdaptiveCodebook(k).compress(x, DC).bits() <= (long) Bits.ceilLog2(k) * n + 32L * k);
            assertTrue(new Binary().compress(x, DC).bits() <= n);
            assertTrue(new ScaledBinary().compress(x, DC).bits() <= n + 32);
            assertTrue(new ScaledTernary().compress(x, DC).bits() <= 2L * n + 32);
            int r = random.nextInt(Math.min(rows, cols) + 2);
            assertTrue(new FixedRank(r).compress(x, DC).bits() <= 32L * Math.min(r, Math.min(rows, cols)) * (rows + cols)
                    || r >= Math.min(rows, cols));
            SparseValues pruned = (SparseValues) L0Constraint.keepFraction(random.nextDouble()).compress(x, DC);
            assertTrue(pruned.bits() <= toolkitPruningBits(pruned.positions(), n), "trial " + trial);
        }
    }

    @Test
    void additiveBitsAreTheSumOfItsParts() {
        Matrix x = BruteForce.random(new Random(54), 20, 20);
        AdditiveSum sum = (AdditiveSum) new AdditiveCombination(
                List.of(new AdaptiveCodebook(2), L0Constraint.keep(4))).compress(x, DC);
        SparseValues corrections = (SparseValues) sum.parts().get(1);
        assertEquals(400 + 64 + 4 * 32 + PositionCoding.best(corrections.positions(), 400).bits(), sum.bits());
    }

    /** The toolkit's count: index gaps at the best fixed width, every stored entry with a 32-bit value. */
    private static long toolkitPruningBits(int[] positions, int n) {
        if (positions.length == 0) {
            return 0;
        }
        long best = Long.MAX_VALUE;
        for (int width = 1; width <= 31; width++) {
            long span = 1L << width;
            long entries = 0;
            int previous = -1;
            for (int p : positions) {
                entries += (p - previous + span - 1) / span;
                previous = p;
            }
            best = Math.min(best, entries * (width + 32L));
        }
        return best;
    }
}
