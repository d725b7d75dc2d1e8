package io.tflc.lc.prune;

import static io.tflc.lc.prune.DuplicatedUnitsTest.noise;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.lc.data.Dataset;
import io.tflc.savedmodels.TrainableModel;
import io.tflc.savedmodels.layers.LayerGraph;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** Per-layer latency tables: which sizes are measured, what the estimate combines, and an unreachable target. */
class LatencyTableTest {

    @Test
    void candidatesAreAlignedAndAtMostEightSpreadOverTheRange() {
        assertEquals(List.of(48, 32, 16), LatencyTable.candidates(64, 16));
        assertEquals(List.of(), LatencyTable.candidates(16, 16), "no aligned size below 16");
        List<Integer> many = LatencyTable.candidates(100, 1);
        assertEquals(8, many.size(), many.toString());
        assertEquals(99, many.get(0));
        assertEquals(1, many.get(7));
    }

    @Test
    void everyLayerIsMeasuredAtItsCandidatesAndAnUnreachableTargetIsRefused() {
        LayerGraph layers = new LayerGraph(new Graph(), 21);
        Placeholder<TFloat32> input = layers.input(8, 8, 3);
        Operand<TFloat32> x = layers.maxPool(layers.conv2d("conv2d", input, 24, 3, true), 2);
        try (TrainableModel model = layers.build(input, layers.dense("dense", layers.flatten(x), 10, false))) {
            Dataset data = noise(64, new int[] {8, 8, 3}, 22);
            StructuredPruner pruner = new StructuredPruner(model, data);
            LatencyTable table = LatencyTable.measure(pruner, model, data, 8);
            String text = table.table();
            assertTrue(text.matches("(?s)\\s*conv2d/kernel: 24→1\\.000 16→\\d+\\.\\d+ 8→\\d+\\.\\d+\\s*"), text);
            assertEquals(1.0, table.estimate(pruner.keep(1)), 1e-12, "nothing pruned: the original's latency");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> pruner.latencyTarget(1e-6, 8, table));
            assertTrue(e.getMessage().contains("of the latency") && e.getMessage().contains("--align 1"),
                    e.getMessage());
        }
    }
}
