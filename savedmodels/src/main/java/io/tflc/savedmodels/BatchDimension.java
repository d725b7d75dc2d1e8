package io.tflc.savedmodels;

import java.util.Random;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.TensorShapeProto;

/**
 * A signature input with a fixed batch dimension ({@code [128, 32, 32, 3]}, as TF1 exports often have): tf-lc
 * relaxes it to any batch size when the graph allows, which is checked by running it, because a graph may have the
 * size built in elsewhere (a {@code Reshape} to {@code [128, -1]}). Where it does not, the model keeps its fixed
 * size and tf-lc feeds it batches of exactly that many examples.
 */
final class BatchDimension {
    /** Per-example outputs must agree this closely whatever the batch size. */
    private static final double TOLERANCE = 1e-5;

    private BatchDimension() {
    }

    /** The graph cannot take another batch size than its own; the message says why. */
    static final class NotRelaxable extends RuntimeException {
        NotRelaxable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The fixed batch size of the placeholder {@code input}, or −1 if its batch dimension is free or unknown. */
    static long of(GraphDef graph, String input) {
        for (NodeDef node : graph.getNodeList()) {
            if (node.getName().equals(input) && node.getOp().equals("Placeholder") && node.containsAttr("shape")) {
                TensorShapeProto shape = node.getAttrOrThrow("shape").getShape();
                return shape.getUnknownRank() || shape.getDimCount() == 0 ? -1 : shape.getDim(0).getSize();
            }
        }
        return -1;
    }

    /** The graph with the placeholder {@code input}'s batch dimension free. */
    static GraphDef relax(GraphDef graph, String input) {
        GraphDef.Builder builder = graph.toBuilder();
        for (int i = 0; i < builder.getNodeCount(); i++) {
            NodeDef node = builder.getNode(i);
            if (node.getName().equals(input)) {
                NodeDef.Builder relaxed = node.toBuilder().putAttr("shape", AttrValue.newBuilder()
                        .setShape(free(node.getAttrOrThrow("shape").getShape())).build());
                if (node.containsAttr("_output_shapes")) {
                    AttrValue.ListValue.Builder shapes = node.getAttrOrThrow("_output_shapes").getList().toBuilder();
                    for (int s = 0; s < shapes.getShapeCount(); s++) {
                        shapes.setShape(s, free(shapes.getShape(s)));
                    }
                    relaxed.putAttr("_output_shapes", AttrValue.newBuilder().setList(shapes).build());
                }
                builder.setNode(i, relaxed.build());
            }
        }
        return builder.build();
    }

    /**
     * Checks that {@code model}, relaxed from batch size {@code batch}, gives each example the same output in a batch
     * of another size; {@link NotRelaxable} otherwise.
     */
    static void check(TrainableModel model, int batch) {
        int other = batch == 3 ? 5 : 3;
        long[] dims = model.input().shape().asArray();
        int perExample = 1;
        for (int i = 1; i < dims.length; i++) {
            perExample *= (int) dims[i];
        }
        float[] values = new float[Math.max(batch, other) * perExample];
        Random random = new Random(23);
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextFloat();
        }
        String in = model.input().op().name() + ":" + model.input().index();
        String out = model.output().op().name() + ":" + model.output().index();
        float[] full;
        float[] small;
        try {
            full = run(model, in, out, dims, batch, perExample, values);
            small = run(model, in, out, dims, other, perExample, values);
        } catch (RuntimeException e) {
            // TF reports a shape clash as TFInvalidArgumentException, which is not a TensorFlowException.
            throw new NotRelaxable("its graph takes no other batch size than " + batch + " (" + firstLine(e) + ")", e);
        }
        int common = Math.min(batch, other);
        int width = full.length / batch;
        if (small.length / other != width) {
            throw new NotRelaxable("its output per example changes with the batch size", null);
        }
        for (int i = 0; i < common * width; i++) {
            if (Math.abs(full[i] - small[i]) > TOLERANCE * Math.max(1, Math.abs(full[i]))) {
                throw new NotRelaxable("its outputs depend on the batch size (example " + i / width + " gives "
                        + full[i] + " in a batch of " + batch + ", " + small[i] + " in a batch of " + other + ")",
                        null);
            }
        }
    }

    /** The outputs for the first {@code batch} examples of {@code values}. */
    private static float[] run(TrainableModel model, String in, String out, long[] dims, int batch, int perExample,
                               float[] values) {
        long[] shape = dims.clone();
        shape[0] = batch;
        return FloatRun.run(model.session(), in, out, shape, java.util.Arrays.copyOf(values, batch * perExample));
    }

    private static String firstLine(RuntimeException e) {
        return e.getMessage() == null ? e.toString()
                : e.getMessage().lines().filter(l -> !l.isBlank()).findFirst().orElse(e.toString());
    }

    private static TensorShapeProto free(TensorShapeProto shape) {
        if (shape.getUnknownRank() || shape.getDimCount() == 0) {
            return shape;
        }
        return shape.toBuilder().setDim(0, TensorShapeProto.Dim.newBuilder().setSize(-1)).build();
    }
}
