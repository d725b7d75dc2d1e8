package io.tflc.savedmodels;

import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/** Runs a session on one float input and returns one float output as an array (all tensors closed). */
public final class FloatRun {
    private FloatRun() {
    }

    /** The values of tensor {@code output} when tensor {@code input} of shape {@code dims} holds {@code values}. */
    public static float[] run(Session session, String input, String output, long[] dims, float[] values) {
        try (TFloat32 x = TFloat32.tensorOf(Shape.of(dims))) {
            x.asRawTensor().data().asFloats().write(values);
            try (Result r = session.runner().feed(input, x).fetch(output).run()) {
                TFloat32 y = (TFloat32) r.get(0);
                float[] out = new float[Math.toIntExact(y.shape().size())];
                y.asRawTensor().data().asFloats().read(out);
                return out;
            }
        }
    }
}
