package io.tflc.compressors.views;

import io.tflc.compressors.Matrix;
import java.util.Arrays;
import java.util.List;

/**
 * A convolution kernel (H, W, I, O) as the (H·I)×(W·O) matrix with entry [h·I + i, w·O + o] = K[h, w, i, o]:
 * low rank then means a vertical H×1 convolution to r channels followed by a horizontal 1×W one (the spatially
 * separable form).
 */
public record ConvSpatial(int[] shape) implements View {

    public ConvSpatial {
        shape = shape.clone();
        Shapes.requireConv(shape, "conv_spatial");
    }

    @Override
    public List<int[]> shapes() {
        return List.of(shape.clone());
    }

    @Override
    public Matrix pack(List<double[]> weights) {
        Shapes.requireOne(weights, describe());
        double[] kernel = weights.get(0);
        Shapes.requireSize(kernel, shape);
        int h = shape[0];
        int w = shape[1];
        int in = shape[2];
        int out = shape[3];
        double[] packed = new double[kernel.length];
        for (int a = 0; a < h; a++) {
            for (int b = 0; b < w; b++) {
                for (int i = 0; i < in; i++) {
                    for (int o = 0; o < out; o++) {
                        packed[(a * in + i) * (w * out) + b * out + o] = kernel[((a * w + b) * in + i) * out + o];
                    }
                }
            }
        }
        return Matrix.of(h * in, w * out, packed);
    }

    @Override
    public List<double[]> unpack(Matrix packed) {
        int h = shape[0];
        int w = shape[1];
        int in = shape[2];
        int out = shape[3];
        double[] kernel = new double[packed.size()];
        for (int a = 0; a < h; a++) {
            for (int b = 0; b < w; b++) {
                for (int i = 0; i < in; i++) {
                    for (int o = 0; o < out; o++) {
                        kernel[((a * w + b) * in + i) * out + o] = packed.get(a * in + i, b * out + o);
                    }
                }
            }
        }
        return List.of(kernel);
    }

    @Override
    public String describe() {
        return "conv_spatial";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConvSpatial c && Arrays.equals(shape, c.shape);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return "ConvSpatial" + Arrays.toString(shape);
    }
}
