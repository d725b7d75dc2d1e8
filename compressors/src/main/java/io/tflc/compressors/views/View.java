package io.tflc.compressors.views;

import io.tflc.compressors.Matrix;
import java.util.List;

/**
 * How one task sees its weights: packs one or more weight tensors (row-major, as TF stores them) into the matrix
 * a compression works on, and unpacks a matrix back into tensors of the original shapes. A view is built for
 * fixed shapes and rejects shapes it cannot take, naming the views that can.
 */
public sealed interface View permits AsIs, ConvFilters, ConvSpatial, Depthwise, Concatenated {

    /** The shapes of the weights this view packs, in order. */
    List<int[]> shapes();

    /** The packed matrix of {@code weights} (one row-major array per shape). */
    Matrix pack(List<double[]> weights);

    /** The weights of {@code packed}, one row-major array per shape. */
    List<double[]> unpack(Matrix packed);

    /** Short name for plans and reports. */
    String describe();

    /** Number of values in a tensor of this shape. */
    static int size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + java.util.Arrays.toString(shape));
            }
            n *= d;
        }
        return Math.toIntExact(n);
    }
}
