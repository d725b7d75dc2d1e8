package io.tflc.compressors.views;

import io.tflc.compressors.Matrix;
import java.util.Arrays;
import java.util.List;

/** One weight as it is: a 2-D weight (in, out) as that matrix, a 1-D or scalar weight as a row vector. */
public record AsIs(int[] shape) implements View {

    public AsIs {
        shape = shape.clone();
        if (shape.length > 2) {
            throw new IllegalArgumentException("as_is takes a weight of at most 2 dimensions; shape "
                    + Arrays.toString(shape) + " is " + shape.length + "-D: use conv_filters or conv_spatial for a "
                    + "4-D convolution kernel, depthwise for a depthwise convolution kernel, or concatenated to see it "
                    + "as one vector");
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
        return shape.length == 2
                ? Matrix.of(shape[0], shape[1], weights.get(0))
                : Matrix.rowVector(weights.get(0));
    }

    @Override
    public List<double[]> unpack(Matrix packed) {
        return List.of(packed.toArray());
    }

    @Override
    public String describe() {
        return "as_is";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AsIs a && Arrays.equals(shape, a.shape);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "AsIs" + Arrays.toString(shape);
    }
}
