package io.tflc.compressors.views;

import java.util.Arrays;
import java.util.List;

/** Checks shared by the views. */
final class Shapes {
    private Shapes() {
    }

    static void requireOne(List<double[]> weights, String view) {
        if (weights.size() != 1) {
            throw new IllegalArgumentException(view + " packs one weight, got " + weights.size());
        }
    }

    static void requireSize(double[] values, int[] shape) {
        if (values.length != View.size(shape)) {
            throw new IllegalArgumentException("a weight of shape " + Arrays.toString(shape) + " has "
                    + View.size(shape) + " values, got " + values.length);
        }
    }

    static void requireConv(int[] shape, String view) {
        if (shape.length != 4) {
            throw new IllegalArgumentException(view + " takes a 4-D convolution kernel (H, W, in, out); shape "
                    + Arrays.toString(shape) + " is " + shape.length + "-D: use as_is for 1-D and 2-D weights, "
                    + "or concatenated to see several weights as one vector");
        }
    }
}
