package io.tflc.lc.data;

import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;

/**
 * {@link Preprocessing}'s steps as TF ops, for batches that never pass through Java arrays (a streamed
 * {@link TfRecordStream}): the same steps in the same order with the same arithmetic, so that a streamed example
 * equals the example a source loads into memory. Multiplying by {@code scale} and (x − mean) / std per channel are
 * the same single float operations, bit for bit; per-image standardization is computed in double as there, and can
 * differ in the last bit only because TF sums in another order.
 */
final class PreprocessingOps {
    private PreprocessingOps() {
    }

    /**
     * {@code batch} [n, example shape…] preprocessed as {@code p} says (checked already against the shape with
     * {@link Preprocessing#check}); resizing is the image sources' business and is not done here.
     */
    static Operand<TFloat32> apply(Ops tf, Operand<TFloat32> batch, int[] exampleShape, DataSpec.Preprocess p) {
        Operand<TFloat32> x = batch;
        if (p.scale() != 1f) {
            x = tf.math.mul(x, tf.constant(p.scale()));
        }
        if (p.perImageStandardization()) {
            return standardizePerImage(tf, x, exampleShape);
        }
        if (p.mean() != null) {
            x = tf.math.sub(x, perChannel(tf, p.mean(), exampleShape));
        }
        if (p.std() != null) {
            x = tf.math.div(x, perChannel(tf, p.std(), exampleShape));
        }
        return x;
    }

    /** One value per channel (the last dimension), broadcast over the batch and the other dimensions. */
    private static Operand<TFloat32> perChannel(Ops tf, float[] values, int[] exampleShape) {
        int channels = exampleShape.length == 0 ? 1 : exampleShape[exampleShape.length - 1];
        float[] out = new float[channels];
        for (int c = 0; c < channels; c++) {
            out[c] = values.length == 1 ? values[0] : values[c];
        }
        return tf.constant(Shape.of(channels), DataBuffers.of(out));
    }

    /** (x − mean) / max(std, 1/√N) over each example's N values, in double. */
    private static Operand<TFloat32> standardizePerImage(Ops tf, Operand<TFloat32> x, int[] exampleShape) {
        int n = ExampleShapes.size(exampleShape);
        Operand<TFloat64> values = tf.dtypes.cast(x, TFloat64.class);
        List<Integer> axes = new ArrayList<>();
        for (int d = 1; d <= exampleShape.length; d++) {
            axes.add(d);
        }
        Operand<TInt32> exampleAxes = tf.constant(axes.stream().mapToInt(Integer::intValue).toArray());
        Operand<TFloat64> mean = tf.math.mean(values, exampleAxes, Mean.keepDims(true));
        Operand<TFloat64> meanSquare = tf.math.mean(tf.math.square(values), exampleAxes,
                Mean.keepDims(true));
        Operand<TFloat64> variance = tf.math.maximum(tf.math.sub(meanSquare, tf.math.square(mean)), tf.constant(0.0));
        Operand<TFloat64> divisor = tf.math.maximum(tf.math.sqrt(variance), tf.constant(1 / Math.sqrt(n)));
        return tf.dtypes.cast(tf.math.div(tf.math.sub(values, mean), divisor), TFloat32.class);
    }
}
