package io.tflc.lc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.lc.FashionMnist;
import io.tflc.lc.ResidualNetwork;
import io.tflc.lc.data.Datasets;
import io.tflc.savedmodels.ModelExporter;
import io.tflc.savedmodels.TrainableModel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code prune-id} prints, beside what it kept, each layer it left whole and why (issue 15, items 4 and 5), the
 * alignment it used and the serving latency next to the original's (issue 18).
 */
class PruneIdReasonsTest {

    @Test
    void theReportNamesTheLayersLeftWholeWithTheirReasons(@TempDir Path dir) throws Exception {
        Path saved = dir.resolve("resnet");
        try (TrainableModel model = ResidualNetwork.trained(2,
                ResidualNetwork.images(FashionMnist.get().train().head(1000)), 1)) {
            ModelExporter.write(model, saved, false);
        }
        CliRun run = CliRun.of(new PruneIdCommand(), "--model", saved.toString(), "--data",
                "idx:" + Datasets.FASHION_MNIST, "--split-train", "500", "--pruning-images", "500", "--keep", "0.5",
                "--align", "8", "--latency-repetitions", "1", "--out", dir.resolve("pruned").toString());
        assertEquals(0, run.status(), run.all());
        String out = run.output();
        assertTrue(out.contains("alignment: 8 (--align)"), out);
        assertTrue(out.contains("units kept: {conv2d_1/kernel=8, conv2d_3/kernel=8}"), out);
        assertTrue(out.matches("(?s).*latency per batch of 256, medians of 1 repetitions: original \\d+\\.\\d+ ms, "
                + "compressed \\d+\\.\\d+ ms, ratio \\d+\\.\\d+.*"), out);
        assertTrue(out.contains("layers whose units are all kept:"), out);
        assertTrue(out.contains("- conv2d/kernel: its output feeds 2 ops"), out);
        assertTrue(out.contains("- conv2d_2/kernel: its output reaches Add 'Add'"), out);
        assertTrue(out.contains("- conv2d_4/kernel: its output reaches Add 'Add_1'"), out);
        assertTrue(out.contains("- dense/kernel: the last layer"), out);
        // Issue 18: by default the pruned model's BatchNorm (one after each convolution) is folded before export.
        java.util.regex.Matcher folded = java.util.regex.Pattern.compile("fold_batch_norm: folded (\\d+) of (\\d+) "
                + "BatchNorm nodes").matcher(out);
        assertTrue(folded.find() && folded.group(1).equals(folded.group(2)) && !folded.group(1).equals("0"), out);
        try (org.tensorflow.SavedModelBundle served = org.tensorflow.SavedModelBundle.load(
                dir.resolve("pruned").toString(), "serve")) {
            java.util.List<String> norms = new java.util.ArrayList<>();
            served.graph().operations().forEachRemaining(op -> {
                if (op.type().startsWith("FusedBatchNorm")) {
                    norms.add(op.name());
                }
            });
            assertEquals(java.util.List.of(), norms, "BatchNorm left in the pruned export");
        }
        CliRun kept = CliRun.of(new PruneIdCommand(), "--model", saved.toString(), "--data",
                "idx:" + Datasets.FASHION_MNIST, "--split-train", "500", "--pruning-images", "500", "--keep", "0.5",
                "--align", "8", "--latency-repetitions", "0", "--keep-batch-norm", "--out",
                dir.resolve("kept").toString());
        assertEquals(0, kept.status(), kept.all());
        assertTrue(!kept.output().contains("fold_batch_norm"), kept.output());
    }
}
