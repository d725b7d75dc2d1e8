package io.tflc.compressors.views;

import io.tflc.compressors.Matrix;
import java.util.Arrays;
import java.util.List;

/**
 * A depthwise convolution kernel (H, W, C, M) as the (H·W)×(C·M) matrix whose columns are the per-channel filters:
 * low rank then means r spatial basis filters shared by all channels, each channel mixing them with its own
 * coefficients. conv_filters would make the columns the M multipliers, which for the usual M = 1 is a single column
 * and so no compression at all. Row-major HWCM is already this order, so no value moves.
 */
public record Depthwise(int[] shape) implements View {

    public Depthwise {
        shape = shape.clone();
        if (shape.length != 4) {
            throw new IllegalArgumentException("depthwise takes a 4-D depthwise convolution kernel (H, W, channels, "
                    + "multiplier); shape " + Arrays.toString(shape) + " is " + shape.length + "-D: use as_is for 1-D "
                    + "and 2-D weights, or concatenated to see several weights as one vector");
        }
    }

    @Override
    public List<int[]> shapes() {
        return List.of(shape.clone());
    }

    @Override
    public Matrix pack(List<double[]> weights) {
        Shapes.requireOne(weights, describe());
        Shapes.requireSize(weights.get(0), shape);
        return Matrix.of(shape[0] * shape[1], shape[2] * shape[3], weights.get(0));
    }

    @Override
    public List<double[]> unpack(Matrix packed) {
        return List.of(packed.toArray());
    }

    @Override
    public String describe() {
        return "depthwise";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Depthwise d && Arrays.equals(shape, d.shape);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "Depthwise" + Arrays.toString(shape);
    }
}
