package io.tflc.lc.cli;

import io.tflc.lc.api.PlanRunner;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.lc.FashionMnist;
import io.tflc.lc.algorithm.LcReport;
import io.tflc.lc.algorithm.LcRun;
import io.tflc.lc.data.Dataset;
import io.tflc.lc.data.Datasets;
import io.tflc.lc.data.Minibatches;
import io.tflc.lc.lstep.LStepGraph;
import io.tflc.lc.lstep.Optimizer;
import io.tflc.lc.plan.PlanParser;
import io.tflc.lc.report.RunSummary;
import io.tflc.savedmodels.ModelExporter;
import io.tflc.savedmodels.OutputFolder;
import io.tflc.savedmodels.TrainableModel;
import io.tflc.savedmodels.layers.LayerGraph;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** Issue 5, acceptance 1 and 2: a LeNet300 with 1-bit kernels is ≥ 15× smaller on disk and serves in plain TF Java. */
class CompressedExportTest {
    private static final int TEST_IMAGES = 2000;

    @Test
    void oneBitLeNet300IsFifteenTimesSmallerAndServesWithTfJavaOnly(@TempDir Path dir) throws Exception {
        Dataset train = FashionMnist.get().train().head(10000);
        Path reference = dir.resolve("reference");
        LayerGraph layers = new LayerGraph(new Graph(), 1);
        Placeholder<TFloat32> input = layers.input(784);
        Operand<TFloat32> x = layers.dense("dense_1", layers.dense("dense", input, 300, true), 100, true);
        try (TrainableModel model = layers.build(input, layers.dense("dense_2", x, 10, false));
             Minibatches batches = new Minibatches(train, 128)) {
            LStepGraph training = new LStepGraph(model, List.of(), new Optimizer(Optimizer.SGD_NESTEROV, 0.9));
            training.setLearningRate(0.05);
            training.epoch(batches, train.shuffledIndices(new SplittableRandom(1)), () -> { });
            ModelExporter.write(model, reference, false);
        }
        Path planFile = dir.resolve("plan.json");
        Files.writeString(planFile, """
                {
                  "model": {"savedmodel": "reference"},
                  "data": {"train_limit": 10000, "test_limit": %d},
                  "tasks": [{"weights": "re:dense.*/kernel", "compression": {"type": "adaptive_codebook", "k": 2}}],
                  "schedule": {"mu0": 1e-3, "growth": 2, "steps": 3},
                  "l_step": {"epochs": 1, "batch_size": 128, "lr0": 0.02},
                  "output": "run"
                }""".formatted(TEST_IMAGES));
        RunSummary outcome = PlanRunner.run(PlanParser.parse(planFile), PlanParser.fingerprint(planFile),
                "export", PlanRunner.Options.NEW, new LcRun.Listener() { }).summary();
        LcReport report = outcome.report();
        Path compressed = dir.resolve("run").resolve("model");
        // DC stores the same kind of Θ (2-entry codebooks), so its measured export is the LC model's size.
        assertEquals(outcome.sizes().compressed().total(), outcome.sizes().directCompression().total(),
                0.02 * outcome.sizes().compressed().total());
        try (var entries = Files.list(dir.resolve("run"))) {
            assertTrue(entries.map(f -> f.getFileName().toString())
                            .noneMatch(name -> name.startsWith(".") && !name.equals(OutputFolder.MARKER)),
                    "no scratch or temporary file is left in the output folder (only tf-lc's marker)");
        }
        try (var logs = Files.list(dir.resolve("run").resolve("tensorboard"))) {
            assertTrue(logs.anyMatch(f -> f.getFileName().toString().startsWith("events.out.tfevents")),
                    "the run logged to TensorBoard");
        }

        long referenceBytes = bytes(reference);
        long compressedBytes = bytes(compressed);
        assertTrue(15 * compressedBytes <= referenceBytes,
                "compressed folder " + compressedBytes + " bytes vs reference " + referenceBytes);

        String classPath = Arrays.stream(System.getProperty("surefire.test.class.path",
                        System.getProperty("java.class.path")).split(File.pathSeparator))
                .filter(p -> p.matches(".*(tensorflow-core-api|tensorflow-core-native|ndarray|javacpp|protobuf-java).*"))
                .reduce((a, b) -> a + File.pathSeparator + b).orElseThrow();
        assertFalse(classPath.contains("tf-lc") || classPath.contains("compressors") || classPath.contains("savedmodels"));
        Path program = Path.of(CompressedExportTest.class.getResource("/ServeCheck.java").toURI());
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, program.toString(), compressed.toString(), Datasets.FASHION_MNIST.toString(),
                Integer.toString(TEST_IMAGES)).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(3, TimeUnit.MINUTES));
        assertEquals(0, child.exitValue(), out);
        String wrong = out.lines().filter(l -> l.startsWith("wrong=")).findFirst().orElseThrow(() -> new AssertionError(out));
        assertEquals(Math.round(report.exported().testError() * TEST_IMAGES), Long.parseLong(wrong.substring(6)),
                "plain TF Java scores the exported model exactly as the report scored the nested model");
    }

    static long bytes(Path folder) throws java.io.IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            long total = 0;
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                total += Files.size(f);
            }
            return total;
        }
    }

}
