package io.tflc.lc.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.savedmodels.NormalizedModel;
import io.tflc.savedmodels.ServeGraph;
import io.tflc.savedmodels.SharedFiles;
import io.tflc.savedmodels.Trainability;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.types.TFloat32;

/**
 * Issue 15, item 7: statistics variables are never trained nor compressed, and the export holds them bit for bit,
 * after an LC run whose task pattern matches every weight.
 */
class StatisticsStayExactTest {

    /** A TF1 graph whose trainable_variables collection leaves out its normalization's mean and variance. */
    @Test
    void tf1NormalizationStatistics(@TempDir Path dir) throws Exception {
        NormalizedModel.write(dir.resolve("model"));
        CliRun inspected = CliRun.of(new InspectCommand(), dir.resolve("model").toString());
        assertEquals(0, inspected.status(), inspected.all());
        assertTrue(inspected.output().lines().anyMatch(l -> l.contains("normalization/variance")
                && l.endsWith("not trainable: never compressed")), inspected.all());
        assertTrue(inspected.output().lines().noneMatch(l -> l.contains("dense/kernel")
                && l.contains("not trainable")), inspected.all());
        StringBuilder csv = new StringBuilder("a,b,c,d,label\n");
        Random random = new Random(5);
        for (int i = 0; i < 96; i++) {
            for (int j = 0; j < 4; j++) {
                csv.append(String.format(Locale.ROOT, "%.4f,", NormalizedModel.MEAN[j]
                        + Math.sqrt(NormalizedModel.VARIANCE[j]) * random.nextGaussian()));
            }
            csv.append(random.nextInt(3)).append('\n');
        }
        Path data = Files.writeString(dir.resolve("data.csv"), csv);
        CliRun run = CliRun.of(new CompressCommand(), "--model", dir.resolve("model").toString(), "--data",
                "csv:" + data, "--split-train", "64", "--task", "re:.*=codebook:4", "--steps", "2", "--out",
                dir.resolve("run").toString());
        assertEquals(0, run.status(), run.all());
        try (SavedModelBundle exported = SavedModelBundle.load(dir.resolve("run/model").toString(), "serve")) {
            assertArrayEquals(NormalizedModel.MEAN, read(exported, "normalization/ReadVariableOp"));
            assertArrayEquals(NormalizedModel.VARIANCE, read(exported, "normalization/ReadVariableOp_1"));
            Set<Float> kernel = new HashSet<>();
            for (float v : read(exported, "dense/ReadVariableOp")) {
                kernel.add(v);
            }
            assertTrue(kernel.size() <= 4, "the kernel was compressed to a 4-value codebook: " + kernel);
        }
        // The export lists what trains, so that compressing it again leaves the statistics alone as well.
        CliRun reinspected = CliRun.of(new InspectCommand(), dir.resolve("run/model").toString());
        assertTrue(reinspected.output().lines().anyMatch(l -> l.contains("normalization/variance")
                && l.endsWith("not trainable: never compressed")), reinspected.all());
        assertTrue(reinspected.output().lines().noneMatch(l -> l.contains("dense/kernel")
                && l.contains("not trainable")), reinspected.all());
    }

    /**
     * Keras's Normalization layer (TF 2.7) keeps mean, variance and count as non-trainable variables and serves with
     * constants taken from them: both stay exactly as they were.
     */
    @Test
    void kerasNormalizationOfAutoMpg(@TempDir Path dir) throws Exception {
        Path model = SharedFiles.require("savedmodels/keras-autompg-regression");
        Path csv = SharedFiles.require("data/auto-mpg/auto-mpg.csv");
        assertTrue(Trainability.nonTrainable(ServeGraph.read(model)).containsAll(List.of("mean", "variance",
                "count")));
        CliRun run = CliRun.of(new CompressCommand(), "--model", model.toString(), "--data", "csv:" + csv,
                "--label", "MPG", "--split-train", "313", "--loss", "mse", "--task", "re:.*=codebook:4", "--steps",
                "2", "--out", dir.resolve("run").toString());
        assertEquals(0, run.status(), run.all());
        for (String constant : List.of("Const", "Const_1")) {
            TensorProto original = constant(model, constant);
            assertEquals(List.of(1L, 9L), original.getTensorShape().getDimList().stream().map(d -> d.getSize())
                    .toList(), constant + " is the Normalization's [1, 9] statistics");
            assertEquals(9 * Float.BYTES, original.getTensorContent().size());
            assertEquals(original.getTensorContent(), constant(dir.resolve("run/model"), constant).getTensorContent(),
                    constant + " differs in the export");
        }
    }

    private static TensorProto constant(Path model, String name) {
        return ServeGraph.read(model).getGraphDef().getNodeList().stream().filter(n -> n.getName().equals(name))
                .findFirst().map(NodeDef::getAttrMap).orElseThrow(() -> new AssertionError(name + " not in " + model))
                .get("value").getTensor();
    }

    private static float[] read(SavedModelBundle bundle, String op) {
        try (Result r = bundle.session().runner().fetch(op).run()) {
            TFloat32 t = (TFloat32) r.get(0);
            float[] values = new float[Math.toIntExact(t.shape().size())];
            t.asRawTensor().data().asFloats().read(values);
            return values;
        }
    }
}
