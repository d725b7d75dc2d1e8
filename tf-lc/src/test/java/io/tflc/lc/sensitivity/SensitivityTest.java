package io.tflc.lc.sensitivity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.lc.FashionMnist;
import io.tflc.lc.TestModels;
import io.tflc.lc.data.BatchSource;
import io.tflc.lc.data.Dataset;
import io.tflc.lc.evaluation.Evaluator;
import io.tflc.lc.objective.SoftmaxCrossEntropy;
import io.tflc.savedmodels.ModelWeight;
import io.tflc.savedmodels.SavedModelReader;
import io.tflc.savedmodels.TrainableModel;
import io.tflc.savedmodels.layers.LayerGraph;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** Issue 16, item 3: per-weight sensitivity on a briefly trained 784-64-10 MLP (Fashion-MNIST) and small CNNs. */
class SensitivityTest {

    @Test
    void everyWeightAndRungIsMeasuredAndTheModelIsLeftAsItWas(@TempDir Path dir) throws Exception {
        Dataset training = FashionMnist.get().train().head(4000);
        TestModels.trainAndSave(5, 64, training, 2, dir.resolve("mlp"));
        try (TrainableModel model = SavedModelReader.read(dir.resolve("mlp"), "serving_default", null, null)) {
            ValidationSplit split = ValidationSplit.carve(training, 0, 1);
            assertEquals(800, split.validation().size(), "20% of 4,000");
            Map<String, float[]> before = model.access().readAll();
            List<String> seen = new ArrayList<>();
            SensitivityReport report = Sensitivity.measure(model, new SoftmaxCrossEntropy(), split.validation(),
                    new Sensitivity.Listener() {
                        @Override
                        public void weightMeasured(int done, int count, WeightSensitivity weight, double seconds) {
                            seen.add(done + "/" + count + " " + weight.weight());
                        }
                    });
            System.out.print(SensitivityFiles.table(report));

            Map<String, float[]> after = model.access().readAll();
            before.forEach((name, values) -> assertArrayEquals(values, after.get(name), name + " restored"));

            assertEquals(List.of("1/2 dense/kernel", "2/2 dense_1/kernel"), seen, "one call per weight");
            assertEquals(List.of("dense/kernel", "dense_1/kernel"),
                    report.weights().stream().map(WeightSensitivity::weight).toList(), "biases are left out");
            for (WeightSensitivity w : report.weights()) {
                List<String> rungs = Ladder.of(w.rows(), w.cols()).stream().map(LadderEntry::spec).toList();
                assertEquals(rungs, w.trials().stream().map(t -> t.entry().spec()).toList(), w.weight());
                assertEquals(10, rungs.size(), w.weight() + ": 3 codebooks, 3 prunings, 3 ranks, 1 combination");
                for (Trial t : w.trials()) {
                    assertTrue(t.bits() < w.referenceBits(), w.weight() + " " + t.entry().spec() + " saves bits");
                    assertTrue(Double.isFinite(t.measured().loss()), w.weight() + " " + t.entry().spec());
                }
            }
            assertEquals(List.of("codebook:16", "codebook:4", "codebook:2", "prune:0.5", "prune:0.2", "prune:0.05",
                    "rank:29", "rank:14", "rank:5", "codebook:2+prune:0.01"), report.weights().get(0).trials().stream()
                    .map(t -> t.entry().spec()).toList(), "784×64: break-even rank 59.2");
            assertEquals(64L * 784 + 32 * 2, trial(report.weights().get(0), "codebook:2").bits(),
                    "1 bit per weight and a codebook of 2 floats");

            try (BatchSource batches = split.validation().batchesFor(model, Sensitivity.BATCH)) {
                Evaluator.Evaluation direct = new Evaluator(model, new SoftmaxCrossEntropy()).evaluate(batches);
                assertEquals(direct.loss(), report.reference().loss(), 1e-9, "reference loss");
                assertEquals(direct.error(), report.reference().metric("error"), "reference error");
                assertEquals("error", report.measure());
            }
            assertTrue(report.reference().metric("error") < 0.3, "trained: " + report.reference().metrics());

            WeightSensitivity largest = report.weights().get(0);
            double k2 = trial(largest, "codebook:2").measured().loss();
            double k16 = trial(largest, "codebook:16").measured().loss();
            assertTrue(k2 > k16, "k = 2 costs more than k = 16: " + k2 + " vs " + k16);
            double keep5 = trial(largest, "prune:0.05").measured().loss();
            double keep50 = trial(largest, "prune:0.5").measured().loss();
            assertTrue(keep5 > keep50, "keeping 5% costs more than keeping 50%: " + keep5 + " vs " + keep50);
            assertTrue(keep5 > report.reference().loss(), "keeping 5% costs something");
        }
    }

    /** Kernels, depthwise kernels and embedding tables are compressed; biases, γ, β and statistics are not. */
    @Test
    void compressibleWeightsAndTheirViews() {
        LayerGraph layers = new LayerGraph(new Graph(), 3);
        Placeholder<TFloat32> input = layers.input(8, 8, 2);
        Operand<TFloat32> x = layers.relu(layers.batchNorm("bn", layers.conv2d("conv", input, 4, 3, false)));
        x = layers.depthwiseConv2d("dw", x, 3);
        try (TrainableModel model = layers.build(input, layers.dense("dense", layers.flatten(x), 3, false))) {
            assertEquals(java.util.Set.of("conv/kernel", "dw/depthwise_kernel", "dense/kernel"),
                    Sensitivity.compressible(model).stream().map(ModelWeight::name)
                            .collect(java.util.stream.Collectors.toSet()));
            float[] features = new float[30 * 8 * 8 * 2];
            java.util.SplittableRandom random = new java.util.SplittableRandom(4);
            for (int i = 0; i < features.length; i++) {
                features[i] = (float) random.nextDouble();
            }
            int[] labels = random.ints(30, 0, 3).toArray();
            SensitivityReport report = Sensitivity.measure(model, new SoftmaxCrossEntropy(),
                    Dataset.ofClasses(features, labels, new int[] {8, 8, 2}), new Sensitivity.Listener() { });
            Map<String, String> views = new java.util.HashMap<>();
            report.weights().forEach(w -> views.put(w.weight(), w.view() + " " + w.rows() + "×" + w.cols()));
            assertEquals(Map.of("conv/kernel", "conv_filters 18×4", "dw/depthwise_kernel", "depthwise 9×4",
                    "dense/kernel", "as_is 144×3"), views);
            // 9×4: break-even rank 2.77, so ranks 1 only; 18×4: 3.27, ranks 1 only.
            assertEquals(List.of("rank:1"), report.weights().stream().filter(w -> w.weight().equals("dw/depthwise_kernel"))
                    .findFirst().orElseThrow().trials().stream()
                    .filter(t -> t.entry().family() == LadderEntry.Family.LOW_RANK).map(t -> t.entry().spec())
                    .toList());
        }
        LayerGraph text = new LayerGraph(new Graph(), 5);
        Placeholder<TFloat32> ids = text.input(6);
        Operand<TFloat32> rows = text.embedding("embedding", ids, 50, 4);
        Operand<TFloat32> mean = text.ops().math.mean(rows, text.ops().constant(1));
        try (TrainableModel model = text.build(ids, text.dense("dense", mean, 2, false))) {
            assertTrue(Sensitivity.compressible(model).stream().anyMatch(w -> w.name().equals("embedding/embeddings")),
                    "the embedding table is compressible");
        }
    }

    @Test
    void aModelWithoutCompressibleWeightsIsRefused() {
        LayerGraph layers = new LayerGraph(new Graph(), 3);
        Placeholder<TFloat32> input = layers.input(4, 4, 3);
        try (TrainableModel model = layers.build(input, layers.globalAveragePool(layers.batchNorm("bn", input)))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sensitivity.measure(model,
                    new SoftmaxCrossEntropy(), Dataset.ofClasses(new float[48], new int[] {0}, new int[] {4, 4, 3}),
                    new Sensitivity.Listener() { }));
            assertTrue(e.getMessage().contains("no compressible weight") && e.getMessage().contains("bn/gamma")
                    && e.getMessage().contains("bn/moving_mean [3] (not trainable)"), e.getMessage());
        }
    }

    @Test
    void theValidationSplitIsSeededCappedAndLeavesTrainingExamples() {
        Dataset training = FashionMnist.get().train().head(30_000);
        ValidationSplit split = ValidationSplit.carve(training, 0, 7);
        assertEquals(5_000, split.validation().size(), "capped at 5,000");
        assertEquals(25_000, split.train().size());
        ValidationSplit again = ValidationSplit.carve(training, 0, 7);
        assertArrayEquals(split.validation().features(), again.validation().features(), "seeded");
        assertEquals(300, ValidationSplit.carve(training.head(1000), 300, 7).validation().size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ValidationSplit.carve(training.head(1000), 1000, 7));
        assertTrue(e.getMessage().contains("1000") && e.getMessage().contains("--validation"), e.getMessage());
    }

    private static Trial trial(WeightSensitivity weight, String spec) {
        return weight.trials().stream().filter(t -> t.entry().spec().equals(spec)).findFirst().orElseThrow();
    }
}
