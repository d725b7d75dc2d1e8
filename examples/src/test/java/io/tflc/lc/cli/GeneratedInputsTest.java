package io.tflc.lc.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.lc.algorithm.LcReport;
import io.tflc.lc.data.DataSources;
import io.tflc.lc.data.DataSpec;
import io.tflc.lc.data.Dataset;
import io.tflc.lc.report.ReportWriter;
import io.tflc.savedmodels.ServeGraph;
import io.tflc.savedmodels.SharedFiles;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.SavedModelBundle;

/**
 * {@code noise:N}: generated inputs for a model whose data is not at hand, which trains by distillation. Shown on
 * the public depthwise-separable keyword spotter in ../shared (its audio data is not public here).
 */
class GeneratedInputsTest {

    @Test
    void noiseIsReproducibleUnlabelledAndShapedByTheSpec() throws Exception {
        Dataset a = DataSources.open("noise:50", DataSpec.DEFAULT).load(new int[] {4, 3});
        Dataset b = DataSources.open("noise:50", DataSpec.DEFAULT).load(new int[] {4, 3});
        assertEquals(50, a.size());
        assertArrayEquals(a.features(), b.features(), 0f);
        assertTrue(Float.isNaN(a.target(7, 0)), "no labels");
        double sum = 0;
        double squares = 0;
        for (float v : a.features()) {
            sum += v;
            squares += v * v;
        }
        int n = a.features().length;
        assertEquals(0, sum / n, 0.2, "standard normal mean");
        assertEquals(1, squares / n, 0.25, "standard normal variance");
        DataSpec scaled = new DataSpec(null, null, null, null, new DataSpec.Preprocess(10, null, null, false, null));
        assertEquals(10 * a.features()[3], DataSources.open("noise:50", scaled).load(new int[] {4, 3}).features()[3],
                1e-5);
        assertTrue(DataSources.paths("noise:50").isEmpty(), "generated data reads no files");
    }

    @Test
    void aLossThatNeedsLabelsIsRefusedOnGeneratedInputs(@TempDir Path dir) {
        Path model = SharedFiles.require("savedmodels/mlperf-tiny-kws-dscnn");
        CliRun run = CliRun.of(new CompressCommand(), "--model", model.toString(), "--data", "noise:100",
                "--split-train", "80", "--loss", "softmax_cross_entropy", "--task", "re:.*kernel=codebook:4",
                "--out", dir.resolve("out").toString());
        assertEquals(1, run.status(), run.all());
        assertTrue(run.error().contains("no labels") && run.error().contains("--loss distill"), run.all());
    }

    @Test
    void aDepthwiseSeparableModelCompressesByDistillationOnNoise(@TempDir Path dir) throws Exception {
        Path model = SharedFiles.require("savedmodels/mlperf-tiny-kws-dscnn");
        Path out = dir.resolve("k4");
        // A hand schedule: the old fixed default (μ = 0.01·1.3^j) reached 11.6% agreement here, because this
        // model's kernels need μ of order 1 to 100 before Δ(Θ) follows w; μ from the model (a plan without a
        // schedule, issue 16) reached 94.2%.
        Path plan = java.nio.file.Files.writeString(dir.resolve("plan.json"), """
                {"model": {"savedmodel": "%s"},
                 "data": {"source": "noise:2500", "split": {"train": 2000, "seed": 1}, "scale": 10},
                 "schedule": {"mu0": 0.5, "growth": 2, "steps": 8},
                 "tasks": [{"weights": "re:.*kernel", "compression": {"type": "adaptive_codebook", "k": 4}}],
                 "output": "%s"}
                """.formatted(model.toAbsolutePath(), out));
        CliRun run = CliRun.of(new CompressCommand(), "--plan", plan.toString());
        assertEquals(0, run.status(), run.all());
        assertTrue(run.output().contains("distill"), run.all());
        LcReport report = ReportWriter.read(out).report();
        double dc = report.directCompression().agreement();
        double lc = report.finalRow().agreement();
        System.out.printf("kws-dscnn, codebook:4 on every kernel, distilled on noise: agreement with the original "
                + "DC %.1f%%, LC %.1f%%%n", 100 * dc, 100 * lc);
        assertTrue(lc > dc, "LC agrees with the original more than DC does: " + run.all());
        try (SavedModelBundle bundle = SavedModelBundle.load(out.resolve("model").toString(), "serve")) {
            var original = ServeGraph.read(model).getSignatureDefOrThrow("serving_default");
            var exported = bundle.metaGraphDef().getSignatureDefOrThrow("serving_default");
            assertEquals(original.getInputsMap().keySet(), exported.getInputsMap().keySet());
            assertEquals(original.getOutputsMap().keySet(), exported.getOutputsMap().keySet());
        }
    }
}
