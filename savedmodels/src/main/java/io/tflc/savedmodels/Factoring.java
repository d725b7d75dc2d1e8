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
 * per position. A Conv2D whose kernel is viewed as (H·I)×(W·O) (the conv_spatial view) becomes an H×1
 * convolution to r channels followed by a 1×W one, each taking the strides, dilations and padding of its own
 * spatial axis (padding splits by axis, so SAME and VALID stay exact). The layer's node keeps its name, so
 * everything downstream is unchanged.
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
                                String scope, boolean spatial) {
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
                if (spatial) {
                    created.addAll(spatial(layer, kernel, factors, scope, first, second));
                    break;
                }
                created.add(factor(scope + "/u", new long[] {kernel[0], kernel[1], kernel[2], r}, factors.u()));
                created.add(factor(scope + "/v", new long[] {1, 1, r, kernel[3]}, factors.v()));
                second.putAttr("strides", ones()).putAttr("dilations", ones())
                        .putAttr("padding", AttrValue.newBuilder().setS(com.google.protobuf.ByteString.copyFromUtf8(
                                "VALID")).build()).removeAttr("explicit_paddings");
            }
            default -> throw new IllegalArgumentException("cannot factor " + consumer + ": factored form needs a "
                    + "MatMul (dense layer, as_is view) or a Conv2D (conv_filters or conv_spatial view), not "
                    + layer.getOp());
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

    /**
     * The conv_spatial factors: U, (H·I)×r with row h·I + i, is already the [H, 1, I, r] kernel in row-major order;
     * V, r×(W·O) with column w·O + o, is reordered into the [1, W, r, O] kernel.
     */
    private static List<Factor> spatial(NodeDef layer, long[] kernel, LowRankFactors factors, String scope,
                                        NodeDef.Builder first, NodeDef.Builder second) {
        if (layer.containsAttr("data_format") && !layer.getAttrOrThrow("data_format").getS().toStringUtf8()
                .equals("NHWC")) {
            throw new IllegalArgumentException("cannot factor " + layer.getName() + " in the conv_spatial view: its "
                    + "data format is " + layer.getAttrOrThrow("data_format").getS().toStringUtf8() + ", tf-lc "
                    + "splits NHWC convolutions only (use the conv_filters view)");
        }
        int r = factors.rank();
        int w = (int) kernel[1];
        int out = (int) kernel[3];
        float[] v = new float[r * w * out];
        for (int j = 0; j < r; j++) {
            for (int b = 0; b < w; b++) {
                for (int o = 0; o < out; o++) {
                    v[(b * r + j) * out + o] = (float) factors.v().get(j, b * out + o);
                }
            }
        }
        List<Long> strides = layer.getAttrOrThrow("strides").getList().getIList();
        List<Long> dilations = layer.containsAttr("dilations") ? layer.getAttrOrThrow("dilations").getList()
                .getIList() : List.of(1L, 1L, 1L, 1L);
        first.putAttr("strides", list(1, strides.get(1), 1, 1)).putAttr("dilations", list(1, dilations.get(1), 1, 1));
        second.putAttr("strides", list(1, 1, strides.get(2), 1)).putAttr("dilations", list(1, 1, dilations.get(2), 1));
        if (layer.containsAttr("explicit_paddings") && layer.getAttrOrThrow("explicit_paddings").getList()
                .getICount() == 8) {
            List<Long> p = layer.getAttrOrThrow("explicit_paddings").getList().getIList();
            first.putAttr("explicit_paddings", list(0, 0, p.get(2), p.get(3), 0, 0, 0, 0));
            second.putAttr("explicit_paddings", list(0, 0, 0, 0, p.get(4), p.get(5), 0, 0));
        }
        return List.of(factor(scope + "/u", new long[] {kernel[0], 1, kernel[2], r}, factors.u()),
                new Factor(scope + "/v", new long[] {1, w, r, out}, v));
    }

    private static AttrValue list(long... values) {
        AttrValue.ListValue.Builder l = AttrValue.ListValue.newBuilder();
        for (long v : values) {
            l.addI(v);
        }
        return AttrValue.newBuilder().setList(l).build();
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
