package io.tflc.lc.prune;

import java.util.List;

/**
 * A layer whose output units (neurons, channels) can be removed: its kernel and the variables indexed by its
 * outputs (bias, BatchNorm parameters), the depthwise convolutions (multiplier 1) its channels pass through, whose
 * kernels [H, W, C, 1] lose the same channels on axis 2, the next layer's kernel into which the correction folds,
 * and, when a flatten sits between a convolution and a dense layer, the flatten's node and the number of spatial
 * positions.
 *
 * @param z the tensor the next layer receives (before a flatten), whose last dimension are the units
 */
public record PrunableLayer(String kernel, String kernelOp, List<String> perUnit, List<String> depthwise,
                            String nextKernel, String nextOp, String z, String flatten, int spatial, int units) {
    public PrunableLayer {
        perUnit = List.copyOf(perUnit);
        depthwise = List.copyOf(depthwise);
    }
}
