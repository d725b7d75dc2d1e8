package io.tflc.savedmodels;

import com.google.protobuf.ByteString;
import io.tflc.savedmodels.layers.LayerGraph;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tensorflow.Graph;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NameAttrList;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TFloat32;

/**
 * tf-lc exports edited, protobuf by protobuf, into models that reach outside the computation: the fixtures of
 * issue 13. Each is a 784-32-10 MLP that serves as before, plus one hostile node.
 */
public final class HostileModels {
    /** What the edit adds. */
    public enum Kind {
        /** The served output has a control dependency on a WriteFile of {@code target}. */
        WRITE_FILE_FROM_OUTPUT,
        /** The init op the loader runs after restoring ({@code __saved_model_init_op}) writes {@code target}. */
        WRITE_FILE_IN_INIT_OP,
        /** A library function writes {@code target}; the served output depends on a call of it. */
        WRITE_FILE_IN_FUNCTION,
        /** The served output depends on the length of {@code target}'s contents, read by ReadFile. */
        READ_FILE_INTO_OUTPUT,
        /** The served output depends on an op type no TF runtime registers. */
        UNKNOWN_OP
    }

    public static final String CONTENTS = "written by a hostile SavedModel";
    public static final String UNKNOWN_OP = "TfLcNoSuchOp";

    private HostileModels() {
    }

    /** A plain tf-lc export of an untrained 784-32-10 MLP (signature serving_default, input 784 floats). */
    public static Path export(Path dir) throws IOException {
        return exportTo(dir, false);
    }

    /** {@link #export}, replacing what is at {@code dir} when {@code force} (as ModelExporter allows it). */
    public static Path exportTo(Path dir, boolean force) throws IOException {
        LayerGraph layers = new LayerGraph(new Graph(), 3);
        Placeholder<TFloat32> input = layers.input(784);
        try (TrainableModel model = layers.build(input,
                layers.dense("dense_1", layers.dense("dense", input, 32, true), 10, false))) {
            ModelExporter.write(model, dir, force);
        }
        return dir;
    }

    /** The export at {@code dir} with the {@code kind} edit; {@code target} is the file it writes or reads. */
    public static Path make(Kind kind, Path dir, Path target) throws IOException {
        export(dir);
        Path pb = dir.resolve("saved_model.pb");
        SavedModel model = SavedModel.parseFrom(Files.readAllBytes(pb));
        MetaGraphDef.Builder meta = model.getMetaGraphs(0).toBuilder();
        GraphDef.Builder graph = meta.getGraphDefBuilder();
        String output = meta.getSignatureDefOrThrow(SavedModelWriter.DEFAULT_SIGNATURE).getOutputsMap().values()
                .iterator().next().getName().split(":")[0];
        String path = target.toAbsolutePath().toString();
        String dependency = switch (kind) {
            case WRITE_FILE_FROM_OUTPUT, WRITE_FILE_IN_INIT_OP -> writeFile(graph, "hostile/", path);
            case WRITE_FILE_IN_FUNCTION -> {
                FunctionDef.Builder f = FunctionDef.newBuilder().setSignature(OpDef.newBuilder().setName("hostile_fn")
                        .addControlOutput("write"));
                NodeDef.Builder[] nodes = writeFileNodes("", path, ":output:0");
                for (NodeDef.Builder n : nodes) {
                    f.addNodeDef(n);
                }
                f.putControlRet("write", "write");
                graph.getLibraryBuilder().addFunction(f);
                graph.addNode(NodeDef.newBuilder().setName("hostile/call").setOp("StatefulPartitionedCall")
                        .putAttr("f", AttrValue.newBuilder().setFunc(NameAttrList.newBuilder().setName("hostile_fn"))
                                .build())
                        .putAttr("Tin", AttrValue.newBuilder().setList(AttrValue.ListValue.newBuilder()).build())
                        .putAttr("Tout", AttrValue.newBuilder().setList(AttrValue.ListValue.newBuilder()).build()));
                yield "hostile/call";
            }
            case READ_FILE_INTO_OUTPUT -> {
                graph.addNode(stringConst("hostile/path", path));
                graph.addNode(NodeDef.newBuilder().setName("hostile/ReadFile").setOp("ReadFile")
                        .addInput("hostile/path"));
                graph.addNode(NodeDef.newBuilder().setName("hostile/length").setOp("StringLength")
                        .addInput("hostile/ReadFile"));
                yield "hostile/length";
            }
            case UNKNOWN_OP -> {
                graph.addNode(NodeDef.newBuilder().setName("hostile/custom").setOp(UNKNOWN_OP));
                yield "hostile/custom";
            }
        };
        if (kind == Kind.WRITE_FILE_IN_INIT_OP) {
            graph.addNode(NodeDef.newBuilder().setName("hostile/init").setOp("NoOp").addInput("^" + dependency));
            meta.putSignatureDef(SavedModelWriter.INIT_SIGNATURE, SignatureDef.newBuilder()
                    .putOutputs(SavedModelWriter.INIT_SIGNATURE, TensorInfo.newBuilder().setName("hostile/init")
                            .build()).build());
        } else {
            for (int i = 0; i < graph.getNodeCount(); i++) {
                if (graph.getNode(i).getName().equals(output)) {
                    graph.getNodeBuilder(i).addInput("^" + dependency);
                }
            }
        }
        Files.write(pb, model.toBuilder().setMetaGraphs(0, meta).build().toByteArray());
        return dir;
    }

    private static String writeFile(GraphDef.Builder graph, String prefix, String path) {
        for (NodeDef.Builder n : writeFileNodes(prefix, path, "")) {
            graph.addNode(n);
        }
        return prefix + "write";
    }

    /** Const path, Const contents, WriteFile(path, contents); {@code suffix} is ":output:0" inside functions. */
    private static NodeDef.Builder[] writeFileNodes(String prefix, String path, String suffix) {
        return new NodeDef.Builder[] {
            stringConst(prefix + "path", path),
            stringConst(prefix + "contents", CONTENTS),
            NodeDef.newBuilder().setName(prefix + "write").setOp("WriteFile")
                    .addInput(prefix + "path" + suffix).addInput(prefix + "contents" + suffix)};
    }

    public static NodeDef.Builder stringConst(String name, String value) {
        return NodeDef.newBuilder().setName(name).setOp("Const")
                .putAttr("dtype", AttrValue.newBuilder().setType(DataType.DT_STRING).build())
                .putAttr("value", AttrValue.newBuilder().setTensor(TensorProto.newBuilder()
                        .setDtype(DataType.DT_STRING).setTensorShape(TensorShapeProto.getDefaultInstance())
                        .addStringVal(ByteString.copyFromUtf8(value))).build());
    }
}
