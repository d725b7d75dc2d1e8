package io.tflc.lc.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Batches of exactly one size (for graphs that take no other): the last one padded, its real rows first. */
class ExactBatchesTest {

    @Test
    void theLastBatchIsPaddedWithThePassesFirstExamplesAndCountsItsRealOnes() {
        int n = 10;
        float[] features = new float[n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            features[i] = i;
            labels[i] = i % 3;
        }
        Dataset data = Dataset.ofClasses(features, labels, new int[] {1});
        List<Integer> sizes = new ArrayList<>();
        List<float[]> rows = new ArrayList<>();
        try (BatchSource batches = data.exactBatches(4)) {
            batches.inOrder(batch -> {
                sizes.add(batch.size());
                assertEquals(4, batch.features().shape().size(0), "every batch has the graph's size");
                float[] v = new float[4];
                batch.features().asRawTensor().data().asFloats().read(v);
                rows.add(v);
            });
        }
        assertEquals(List.of(4, 4, 2), sizes);
        assertEquals(List.of(8f, 9f, 0f, 1f), List.of(rows.get(2)[0], rows.get(2)[1], rows.get(2)[2], rows.get(2)[3]));

        // A set smaller than one batch wraps around as often as needed.
        Dataset three = data.head(3);
        List<Integer> small = new ArrayList<>();
        try (BatchSource batches = three.exactBatches(8)) {
            batches.inOrder(batch -> small.add(batch.size()));
        }
        assertEquals(List.of(3), small);
    }
}
