package io.tflc.savedmodels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NameAttrList;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** Inlining keeps the graph importable when the function body's nodes carry colocation attributes. */
class FunctionInlinerTest {
    private static final String LOOKUP = "sequential/embedding/embedding_lookup";
    private static final float[][] TABLE = {{0, 1}, {10, 11}, {20, 21}, {30, 31}, {40, 41}};

    /**
     * What Keras (TF 2.5) writes for an Embedding layer: the lookup is colocated with the captured resource by the
     * name it had in the traced graph ({@code …/embedding_lookup/5721}), which is neither a body node nor an
     * argument; the lookup's Identity is colocated with the lookup, by its name inside the body. An outer node
     * colocated with the call node, which inlining removes, completes the picture.
     */
    private static GraphDef kerasStyleLookup() {
        AttrValue resource = AttrValue.newBuilder().setType(DataType.DT_RESOURCE).build();
        AttrValue int32 = AttrValue.newBuilder().setType(DataType.DT_INT32).build();
        AttrValue float32 = AttrValue.newBuilder().setType(DataType.DT_FLOAT).build();
        FunctionDef function = FunctionDef.newBuilder()
                .setSignature(OpDef.newBuilder().setName("__inference_lookup_5740")
                        .addInputArg(OpDef.ArgDef.newBuilder().setName("ids").setType(DataType.DT_INT32))
                        .addInputArg(OpDef.ArgDef.newBuilder().setName("sequential_embedding_embedding_lookup_5721")
                                .setType(DataType.DT_RESOURCE))
                        .addOutputArg(OpDef.ArgDef.newBuilder().setName("identity").setType(DataType.DT_FLOAT))
                        .setIsStateful(true))
                .addNodeDef(NodeDef.newBuilder().setName(LOOKUP).setOp("ResourceGather")
                        .addInput("sequential_embedding_embedding_lookup_5721").addInput("ids")
                        .putAttr("dtype", float32).putAttr("Tindices", int32)
                        .putAttr("batch_dims", AttrValue.newBuilder().setI(0).build())
                        .putAttr("validate_indices", AttrValue.newBuilder().setB(true).build())
                        .putAttr("_class", colocation(LOOKUP + "/5721")))
                .addNodeDef(NodeDef.newBuilder().setName(LOOKUP + "/Identity").setOp("Identity")
                        .addInput(LOOKUP + ":output:0").putAttr("T", float32)
                        .putAttr("_class", colocation(LOOKUP)))
                .putRet("identity", LOOKUP + "/Identity:output:0")
                .build();
        return GraphDef.newBuilder()
                .addNode(NodeDef.newBuilder().setName("ids").setOp("Placeholder").putAttr("dtype", int32)
                        .putAttr("shape", AttrValue.newBuilder().setShape(TensorShapeProto.newBuilder()
                                .addDim(TensorShapeProto.Dim.newBuilder().setSize(-1))).build()))
                .addNode(NodeDef.newBuilder().setName("embedding/embeddings").setOp("VarHandleOp")
                        .putAttr("dtype", float32)
                        .putAttr("shape", AttrValue.newBuilder().setShape(TensorShapeProto.newBuilder()
                                .addDim(TensorShapeProto.Dim.newBuilder().setSize(TABLE.length))
                                .addDim(TensorShapeProto.Dim.newBuilder().setSize(2))).build())
                        .putAttr("shared_name", AttrValue.newBuilder()
                                .setS(com.google.protobuf.ByteString.copyFromUtf8("embedding/embeddings")).build()))
                .addNode(NodeDef.newBuilder().setName("StatefulPartitionedCall").setOp("StatefulPartitionedCall")
                        .addInput("ids").addInput("embedding/embeddings")
                        .putAttr("f", AttrValue.newBuilder().setFunc(NameAttrList.newBuilder()
                                .setName("__inference_lookup_5740")).build())
                        .putAttr("Tin", AttrValue.newBuilder().setList(AttrValue.ListValue.newBuilder()
                                .addType(DataType.DT_INT32).addType(DataType.DT_RESOURCE)).build())
                        .putAttr("Tout", AttrValue.newBuilder().setList(AttrValue.ListValue.newBuilder()
                                .addType(DataType.DT_FLOAT)).build())
                        .putAttr("_class", colocation("embedding/embeddings")))
                .addNode(NodeDef.newBuilder().setName("ids/Identity").setOp("Identity").addInput("ids")
                        .putAttr("T", int32).putAttr("_class", colocation("StatefulPartitionedCall")))
                .setLibrary(org.tensorflow.proto.FunctionDefLibrary.newBuilder().addFunction(function))
                .build();
    }

    private static AttrValue colocation(String node) {
        return AttrValue.newBuilder().setList(AttrValue.ListValue.newBuilder()
                .addS(com.google.protobuf.ByteString.copyFromUtf8("loc:@" + node))).build();
    }

    @Test
    void colocationWithBodyNodesIsRenamedAndWithVanishedNodesDropped() {
        FunctionInliner.Result flat = FunctionInliner.inline(kerasStyleLookup(), Set.of("StatefulPartitionedCall"));
        try (Graph graph = new Graph(); Session session = new Session(graph)) {
            graph.importGraphDef(flat.graph());
            Ops tf = Ops.create(graph);
            session.runner().addTarget(tf.assignVariableOp(graph.operation("embedding/embeddings").output(0),
                    tf.constant(StdArrays.ndCopyOf(TABLE)))).run().close();
            String output = flat.callOutputs().get("StatefulPartitionedCall").get(0);
            try (TInt32 ids = TInt32.vectorOf(3, 0, 4, 3);
                 Result result = session.runner().feed("ids", ids).fetch(output).run()) {
                TFloat32 rows = (TFloat32) result.get(0);
                assertEquals(Shape.of(4, 2), rows.shape());
                float[][] got = StdArrays.array2dCopyOf(rows);
                assertArrayEquals(new float[][] {TABLE[3], TABLE[0], TABLE[4], TABLE[3]}, got);
            }
        }
        String prefix = "StatefulPartitionedCall/";
        NodeDef lookup = node(flat.graph(), prefix + LOOKUP);
        NodeDef identity = node(flat.graph(), prefix + LOOKUP + "/Identity");
        assertFalse(lookup.containsAttr("_class"), "the captured resource's traced name names nothing once inlined");
        assertEquals(List.of("loc:@" + prefix + LOOKUP), identity.getAttrOrThrow("_class").getList().getSList()
                .stream().map(com.google.protobuf.ByteString::toStringUtf8).toList());
        assertFalse(node(flat.graph(), "ids/Identity").containsAttr("_class"), "the inlined call node is gone");
    }

    private static NodeDef node(GraphDef graph, String name) {
        return graph.getNodeList().stream().filter(n -> n.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no node " + name));
    }
}
