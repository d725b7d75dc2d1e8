package io.tflc.savedmodels;

import io.tflc.compressors.Precision;
import io.tflc.compressors.LowRankFactors;
import io.tflc.compressors.Matrix;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Rewrites layers whose weight is stored as low-rank factors so that they compute with the factors: a MatMul
 * x·W becomes (x·U)·V, a Conv2D with kernel W (viewed as (H·W·I)×O) becomes a convolution with the H×W×I×r kernel
 * U, with the original strides and padding, followed by a 1×1 convolution with V. FLOPs drop from m·n to r·(m+n)
 * per position. The layer's node keeps its name, so everything downstream is unchanged.
 */
final class Factoring {

    /** A factor variable the rewritten graph declares; its values go in the checkpoint. */
    record Factor(String name, long[] shape, float[] values) {
    }

    private Factoring() {
    }

    /**
     * Rewrites the consumer of {@code weight} (node {@code consumer}) in {@code graph} to use {@code factors}.
     * Returns the factor variables to fill; throws when the layer cannot be factored.
     */
    static List<Factor> rewrite(GraphDef.Builder graph, String weight, String consumer, LowRankFactors factors,
                                String scope) {
        int index = -1;
        for (int i = 0; i < graph.getNodeCount(); i++) {
            if (graph.getNode(i).getName().equals(consumer)) {
                index = i;
            }
        }
        if (index < 0) {
            throw new IllegalArgumentException("the layer " + consumer + " of " + weight + " is not in the served graph");
        }
        NodeDef layer = graph.getNode(index);
        int r = factors.rank();
        List<Factor> created = new ArrayList<>();
        List<NodeDef> added = new ArrayList<>();
        String inner = consumer + "/tflc_factor_u";
        NodeDef.Builder first = layer.toBuilder().setName(inner).clearInput().addInput(layer.getInput(0));
        NodeDef.Builder second = layer.toBuilder().clearInput().addInput(inner);
        switch (layer.getOp()) {
            case "MatMul" -> {
                if (layer.getAttrOrThrow("transpose_a").getB() || layer.getAttrOrThrow("transpose_b").getB()) {
                    throw new IllegalArgumentException("cannot factor " + consumer + ": it multiplies transposed");
                }
                created.add(factor(scope + "/u", new long[] {factors.u().rows(), r}, factors.u()));
                created.add(factor(scope + "/v", new long[] {r, factors.v().cols()}, factors.v()));
            }
            case "Conv2D" -> {
                long[] kernel = shapeOf(graph, weight);
                created.add(factor(scope + "/u", new long[] {kernel[0], kernel[1], kernel[2], r}, factors.u()));
                created.add(factor(scope + "/v", new long[] {1, 1, r, kernel[3]}, factors.v()));
                second.putAttr("strides", ones()).putAttr("dilations", ones())
                        .putAttr("padding", AttrValue.newBuilder().setS(com.google.protobuf.ByteString.copyFromUtf8(
                                "VALID")).build()).removeAttr("explicit_paddings");
            }
            default -> throw new IllegalArgumentException("cannot factor " + consumer + ": factored form needs a "
                    + "MatMul (dense layer, as_is view) or a Conv2D (conv_filters view), not " + layer.getOp());
        }
        for (Factor f : created) {
            added.add(NodeDef.newBuilder().setName(f.name()).setOp("VarHandleOp")
                    .putAttr("dtype", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build())
                    .putAttr("shape", AttrValue.newBuilder().setShape(shape(f.shape())).build())
                    .putAttr("shared_name", AttrValue.newBuilder().setS(
                            com.google.protobuf.ByteString.copyFromUtf8(f.name())).build())
                    .putAttr("container", AttrValue.newBuilder().setS(com.google.protobuf.ByteString.EMPTY).build())
                    .build());
            added.add(NodeDef.newBuilder().setName(f.name() + "/read").setOp("ReadVariableOp").addInput(f.name())
                    .putAttr("dtype", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build()).build());
        }
        first.addInput(created.get(0).name() + "/read");
        second.addInput(created.get(1).name() + "/read");
        for (int i = 2; i < layer.getInputCount(); i++) {
            second.addInput(layer.getInput(i)); // control inputs stay on the layer
        }
        graph.setNode(index, second.build());
        added.add(first.build());
        added.forEach(graph::addNode);
        return created;
    }

    private static Factor factor(String name, long[] shape, Matrix values) {
        return new Factor(name, shape, Precision.toFloats(values.toArray()));
    }

    private static long[] shapeOf(GraphDef.Builder graph, String variable) {
        Map<String, NodeDef> byName = new HashMap<>();
        graph.getNodeList().forEach(n -> byName.put(n.getName(), n));
        TensorShapeProto shape = byName.get(variable).getAttrOrThrow("shape").getShape();
        return shape.getDimList().stream().mapToLong(TensorShapeProto.Dim::getSize).toArray();
    }

    private static TensorShapeProto shape(long[] dims) {
        TensorShapeProto.Builder b = TensorShapeProto.newBuilder();
        for (long d : dims) {
            b.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
        }
        return b.build();
    }

    private static AttrValue ones() {
        return AttrValue.newBuilder().setList(AttrValue.ListValue.newBuilder().addI(1).addI(1).addI(1).addI(1)).build();
    }
}
