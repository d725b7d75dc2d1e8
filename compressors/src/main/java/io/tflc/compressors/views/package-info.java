/**
 * Views: how the weights of one task become the matrix its compression works on (as is, convolution kernels
 * reshaped two ways, depthwise kernels as spatial filters by channels, several weights concatenated) and back.
 */
package io.tflc.compressors.views;
