package io.tflc.savedmodels.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.savedmodels.HostileModels;
import io.tflc.savedmodels.SavedModelReader;
import io.tflc.savedmodels.ServeGraph;
import io.tflc.savedmodels.SharedFiles;
import io.tflc.savedmodels.TrainableModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;

/** Issue 13: the op scan passes real models and tf-lc's exports, and names every hostile node of the fixtures. */
class OpScanTest {

    @ParameterizedTest
    @ValueSource(strings = {"keras-autompg-regression", "keras-mnist-cnn", "keras-mnist-mlp", "mlperf-tiny-kws-dscnn"})
    void publicModelsPassWithTheirSaversAndTrainingFunctions(String name) {
        Path dir = SharedFiles.require("savedmodels/" + name);
        MetaGraphDef meta = ServeGraph.read(dir);
        assertEquals(List.of(), OpScan.scan(meta));
        // The pass is not for want of file ops: the Keras saver functions hold them.
        assertTrue(fileOps(meta) >= 3, "SaveV2, RestoreV2 and MergeV2Checkpoints are in the library");
    }

    @Test
    void tfLcExportPasses(@TempDir Path dir) throws Exception {
        MetaGraphDef meta = ServeGraph.read(HostileModels.export(dir.resolve("plain")));
        assertEquals(List.of(), OpScan.scan(meta));
        assertEquals(2, fileOps(meta), "the export's own SaveV2 and RestoreV2 are checked and let through");
    }

    @ParameterizedTest
    @EnumSource(HostileModels.Kind.class)
    void everyFixtureIsRefusedBeforeAnythingRuns(HostileModels.Kind kind, @TempDir Path dir) throws Exception {
        Path target = dir.resolve("outside").resolve("target.txt");
        Files.createDirectories(target.getParent());
        Path model = HostileModels.make(kind, dir.resolve("model"), target);
        UnsafeModelException e = assertThrows(UnsafeModelException.class,
                () -> SavedModelReader.read(model, "serving_default", null, null));
        OpFinding finding = e.findings().get(0);
        assertEquals(1, e.findings().size(), e.getMessage());
        String expected = switch (kind) {
            case WRITE_FILE_FROM_OUTPUT, WRITE_FILE_IN_INIT_OP, WRITE_FILE_IN_FUNCTION -> "WriteFile";
            case READ_FILE_INTO_OUTPUT -> "ReadFile";
            case UNKNOWN_OP -> HostileModels.UNKNOWN_OP;
        };
        assertEquals(expected, finding.opType());
        assertTrue(e.getMessage().contains(expected) && e.getMessage().contains(finding.node())
                && e.getMessage().contains("--trust-model") && e.getMessage().contains(model.toString()), e.getMessage());
        assertEquals(kind == HostileModels.Kind.WRITE_FILE_IN_FUNCTION ? "hostile_fn" : null, finding.function());
        if (kind == HostileModels.Kind.UNKNOWN_OP) {
            assertTrue(finding.reason().contains("unknown to this TensorFlow runtime"), finding.reason());
        }
        assertFalse(Files.exists(target), "nothing of the model ran");
    }

    @Test
    void trustModelRunsTheModelAsItIs(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("written.txt");
        Path model = HostileModels.make(HostileModels.Kind.WRITE_FILE_FROM_OUTPUT, dir.resolve("model"), target);
        try (TrainableModel m = SavedModelReader.read(model, "serving_default", null, null, ModelTrust.TRUST_MODEL)) {
            assertEquals(4, m.weights().size(), "the model loaded as it would without the scan");
        }
        assertEquals(HostileModels.CONTENTS, Files.readString(target), "the user chose to run it: it wrote its file");
    }

    @Test
    void restoreFromAConstantPathIsNotTheSavers(@TempDir Path dir) throws Exception {
        MetaGraphDef meta = edit(HostileModels.export(dir.resolve("m")), g -> {
            g.addNode(HostileModels.stringConst("elsewhere", "/etc/passwd"));
            rewire(g, "save/Restore", 0, "elsewhere");
        });
        assertEquals(Set.of("RestoreV2 save/Restore"), summary(OpScan.scan(meta)));
    }

    @Test
    void aSaveTheServedOutputDependsOnIsNotTheSavers(@TempDir Path dir) throws Exception {
        Path model = HostileModels.export(dir.resolve("m"));
        String output = ServeGraph.read(model).getSignatureDefOrThrow("serving_default").getOutputsMap().values()
                .iterator().next().getName().split(":")[0];
        MetaGraphDef meta = edit(model, g -> {
            for (int i = 0; i < g.getNodeCount(); i++) {
                if (g.getNode(i).getName().equals(output)) {
                    g.getNodeBuilder(i).addInput("^save/Save");
                }
            }
        });
        assertEquals(Set.of("SaveV2 save/Save"), summary(OpScan.scan(meta)));
    }

    @Test
    void aSuffixClimbingOutOfTheCheckpointFolderIsRefused(@TempDir Path dir) throws Exception {
        MetaGraphDef meta = edit(HostileModels.export(dir.resolve("m")), g -> {
            g.addNode(HostileModels.stringConst("up", "/../../../home/user/.bashrc"));
            g.addNode(NodeDef.newBuilder().setName("joined").setOp("StringJoin").addInput("save/filename")
                    .addInput("up").putAttr("N", AttrValue.newBuilder().setI(2).build()));
            rewire(g, "save/Save", 0, "joined");
        });
        assertEquals(Set.of("SaveV2 save/Save"), summary(OpScan.scan(meta)));
    }

    @Test
    void printGoesToTheConsoleOnly(@TempDir Path dir) throws Exception {
        Path model = HostileModels.export(dir.resolve("m"));
        for (String stream : List.of("stderr", "log(info)", "file:///tmp/printed.txt")) {
            MetaGraphDef meta = edit(model, g -> g.addNode(NodeDef.newBuilder().setName("print").setOp("PrintV2")
                    .putAttr("output_stream", AttrValue.newBuilder().setS(
                            com.google.protobuf.ByteString.copyFromUtf8(stream)).build())));
            assertEquals(stream.startsWith("file") ? Set.of("PrintV2 print") : Set.of(),
                    summary(OpScan.scan(meta)), stream);
        }
    }

    @Test
    void everyAllowedOpIsOneTheRuntimeRegisters() {
        Set<String> registered = TensorFlow.registeredOpList().getOpList().stream().map(OpDef::getName)
                .collect(Collectors.toSet());
        Set<String> unknown = OpScan.allowed().stream().filter(op -> !registered.contains(op))
                .collect(Collectors.toSet());
        assertEquals(Set.of(), unknown, "typos or ops of another TF version in allowed-ops.txt");
        assertFalse(OpScan.allowed().contains("ReadFile") || OpScan.allowed().contains("WriteFile")
                || OpScan.allowed().contains("MatchingFiles") || OpScan.allowed().contains("SaveV2"));
    }

    private static long fileOps(MetaGraphDef meta) {
        long outer = meta.getGraphDef().getNodeList().stream().filter(n -> isFileOp(n.getOp())).count();
        long inner = meta.getGraphDef().getLibrary().getFunctionList().stream()
                .flatMap(f -> f.getNodeDefList().stream()).filter(n -> isFileOp(n.getOp())).count();
        return outer + inner;
    }

    private static boolean isFileOp(String op) {
        return SaverNodes.FILE_OPS.containsKey(op);
    }

    private static Set<String> summary(List<OpFinding> findings) {
        return findings.stream().map(f -> f.opType() + " " + f.node()).collect(Collectors.toSet());
    }

    private static void rewire(org.tensorflow.proto.GraphDef.Builder g, String node, int input, String source) {
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (g.getNode(i).getName().equals(node)) {
                g.getNodeBuilder(i).setInput(input, source);
            }
        }
    }

    private static MetaGraphDef edit(Path model, java.util.function.Consumer<org.tensorflow.proto.GraphDef.Builder> edit) {
        MetaGraphDef.Builder meta = ServeGraph.read(model).toBuilder();
        edit.accept(meta.getGraphDefBuilder());
        return meta.build();
    }
}
