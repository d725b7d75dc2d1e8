package io.tflc.compressors.views;

import io.tflc.compressors.Matrix;
import java.util.Arrays;
import java.util.List;

/**
 * A convolution kernel (H, W, I, O) as the (H·W·I)×O matrix whose columns are the filters: low rank then means
 * r filters of H×W×I followed by a 1×1 convolution. In row-major HWIO this is the same order, so no copy of
 * values is moved.
 */
public record ConvFilters(int[] shape) implements View {

    public ConvFilters {
        shape = shape.clone();
        Shapes.requireConv(shape, "conv_filters");
    }

    @Override
    public List<int[]> shapes() {
        return List.of(shape.clone());
    }

    @Override
    public Matrix pack(List<double[]> weights) {
        Shapes.requireOne(weights, describe());
        Shapes.requireSize(weights.get(0), shape);
        return Matrix.of(shape[0] * shape[1] * shape[2], shape[3], weights.get(0));
    }

    @Override
    public List<double[]> unpack(Matrix packed) {
        return List.of(packed.toArray());
    }

    @Override
    public String describe() {
        return "conv_filters";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConvFilters c && Arrays.equals(shape, c.shape);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "ConvFilters" + Arrays.toString(shape);
    }
}
