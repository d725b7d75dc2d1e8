package io.tflc.lc.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.lc.data.Dataset;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Workers take disjoint shares of one permutation, the same number of steps each, whole global batches only. */
class ShardedBatchesTest {
    @Test
    void sharesAreDisjointEqualAndFromOnePermutation() {
        Dataset data = Dataset.ofClasses(new float[103 * 2], new int[103], new int[] {2});
        int[] order = data.shuffledIndices(new SplittableRandom(7));
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            ShardedBatches shard = new ShardedBatches(data, 5, i, 3);
            assertEquals(6, shard.count(), "103 examples in global batches of 15: 6 steps, on every worker");
            int[] mine = shard.share(order);
            assertEquals(30, mine.length);
            for (int s = 0; s < 6; s++) {
                for (int t = 0; t < 5; t++) {
                    assertEquals(order[(s * 3 + i) * 5 + t], mine[s * 5 + t], "step " + s + " of worker " + i);
                    assertTrue(seen.add(mine[s * 5 + t]), "example " + mine[s * 5 + t] + " taken twice");
                }
            }
        }
        assertEquals(90, seen.size(), "13 examples short of a global batch are left out of the pass");
    }

    @Test
    void aBatchThatDoesNotDivideIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Replica(0, 3).localBatch(128));
        assertTrue(e.getMessage().contains("multiple of 3"), e.getMessage());
    }
}
