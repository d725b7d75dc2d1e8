package io.tflc.lc.prune;

import static io.tflc.lc.prune.DuplicatedUnitsTest.assertSameOutputs;
import static io.tflc.lc.prune.DuplicatedUnitsTest.duplicate;
import static io.tflc.lc.prune.DuplicatedUnitsTest.noise;
import static io.tflc.lc.prune.DuplicatedUnitsTest.randomBias;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.lc.data.Dataset;
import io.tflc.savedmodels.TrainableModel;
import io.tflc.savedmodels.layers.LayerGraph;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Unit and channel counts in multiples of an alignment: the FLOPs target still holds without wasting what the last
 * coarse step left, and ID still interpolates.
 */
class AlignedPruningTest {

    /** conv 24 → conv 40 → flatten → dense 48 → dense 10, on 8×8×3 inputs. */
    private static TrainableModel cnn() {
        LayerGraph layers = new LayerGraph(new Graph(), 11);
        Placeholder<TFloat32> input = layers.input(8, 8, 3);
        Operand<TFloat32> x = layers.conv2d("conv2d", input, 24, 3, true);
        x = layers.maxPool(layers.conv2d("conv2d_1", x, 40, 3, true), 2);
        x = layers.dense("dense", layers.flatten(x), 48, true);
        return layers.build(input, layers.dense("dense_1", x, 10, false));
    }

    @Test
    void theFlopsTargetIsMetInMultiplesOfTheAlignment() {
        try (TrainableModel model = cnn()) {
            StructuredPruner pruner = new StructuredPruner(model, noise(200, new int[] {8, 8, 3}, 12));
            Map<String, Integer> unaligned = pruner.flopsTarget(0.5, 1);
            assertTrue(unaligned.values().stream().anyMatch(k -> k % 8 != 0),
                    "single-unit steps land off multiples of 8 here (else this test shows nothing): " + unaligned);
            for (int alignment : new int[] {8, 16}) {
                Map<String, Integer> kept = pruner.flopsTarget(0.5, alignment);
                for (PrunableLayer l : pruner.layers()) {
                    int k = kept.get(l.kernel());
                    assertTrue(k % alignment == 0 || k == l.units(), l.kernel() + " keeps " + k + " units at "
                            + "alignment " + alignment);
                }
                try (TrainableModel pruned = pruner.prune(kept, StructuredPruner.Method.ID)) {
                    assertTrue(StructuredPruner.flops(pruned) <= 0.5 * StructuredPruner.flops(model),
                            "alignment " + alignment + ", kept " + kept + ": " + StructuredPruner.flops(pruned)
                                    + " of " + StructuredPruner.flops(model) + " FLOPs");
                }
                // The slack is spent: one more alignment in any layer would break the target.
                for (PrunableLayer l : pruner.layers()) {
                    int grown = kept.get(l.kernel()) + alignment;
                    if (grown > l.units()) {
                        continue;
                    }
                    Map<String, Integer> bigger = new java.util.HashMap<>(kept);
                    bigger.put(l.kernel(), grown);
                    try (TrainableModel pruned = pruner.prune(bigger, StructuredPruner.Method.MAGNITUDE)) {
                        assertTrue(StructuredPruner.flops(pruned) > 0.5 * StructuredPruner.flops(model),
                                l.kernel() + " could keep " + grown + " units within the target: " + kept);
                    }
                }
            }
        }
    }

    @Test
    void alignedSharesKeepTheDistinctUnitsExactly() {
        LayerGraph layers = new LayerGraph(new Graph(), 13);
        Placeholder<TFloat32> input = layers.input(6);
        Operand<TFloat32> hidden = layers.dense("dense_1", layers.dense("dense", input, 32, true), 12, true);
        try (TrainableModel model = layers.build(input, layers.dense("dense_2", hidden, 3, false))) {
            // 16 distinct units, each twice: a rank-16 Z that ID reproduces exactly with 16 kept.
            int[] copies = IntStream.range(0, 32).map(i -> i % 16).toArray();
            duplicate(model, "dense/kernel", copies);
            randomBias(model, "dense/bias", copies, new Random(14));
            Dataset data = noise(300, new int[] {6}, 15);
            StructuredPruner pruner = new StructuredPruner(model, data);
            Map<String, Integer> kept = pruner.keep(0.4, 16);
            assertEquals(16, kept.get("dense/kernel"), "0.4 · 32 = 12.8 rounds to 16");
            assertEquals(12, kept.get("dense_1/kernel"), "12 units, fewer than the alignment: kept whole");
            assertNotEquals(16, pruner.keep(0.4, 1).get("dense/kernel"));
            try (TrainableModel pruned = pruner.prune(kept, StructuredPruner.Method.ID)) {
                assertEquals(16, pruned.weight("dense/kernel").shape().asArray()[1]);
                assertSameOutputs(model, pruned, data, new long[] {9, 6});
            }
        }
    }
}
