package io.tflc.savedmodels.storage;

import io.tflc.compressors.views.AsIs;
import io.tflc.compressors.views.Concatenated;
import io.tflc.compressors.views.ConvFilters;
import io.tflc.compressors.views.ConvSpatial;
import io.tflc.compressors.views.Depthwise;
import io.tflc.compressors.views.View;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** A view's unpacking in TF ops: the flat view values back into tensors of the weights' shapes. */
public final class ViewOps {
    private ViewOps() {
    }

    public static List<Operand<TFloat32>> unpack(Ops tf, View view, Operand<TFloat32> flat) {
        List<int[]> shapes = view.shapes();
        if (view instanceof AsIs || view instanceof ConvFilters || view instanceof Depthwise) {
            return List.of(tf.reshape(flat, tf.constant(shapes.get(0))));
        }
        if (view instanceof ConvSpatial) {
            int[] s = shapes.get(0); // (H·I)×(W·O) read as [H, I, W, O], then HWIO
            return List.of(tf.linalg.transpose(tf.reshape(flat, tf.constant(new int[] {s[0], s[2], s[1], s[3]})),
                    tf.constant(new int[] {0, 2, 1, 3})));
        }
        if (view instanceof Concatenated) {
            List<Operand<TFloat32>> out = new ArrayList<>();
            int offset = 0;
            for (int[] shape : shapes) {
                int size = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
                out.add(tf.reshape(tf.slice(flat, tf.constant(new int[] {offset}), tf.constant(new int[] {size})),
                        tf.constant(shape)));
                offset += size;
            }
            return out;
        }
        throw new IllegalArgumentException("no TF unpacking for view " + view);
    }
}
