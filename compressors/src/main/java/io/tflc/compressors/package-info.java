/**
 * The C-step contract of the LC algorithm, with no TensorFlow: {@link io.tflc.compressors.Compression} (one
 * compression type, one class), {@link io.tflc.compressors.CStep} (μ, step, warm start), the dense
 * {@link io.tflc.compressors.Matrix} a view produces, and {@link io.tflc.compressors.Theta}, the compressed
 * parameters, whose records expose their parts and bit counts to the exporter.
 */
package io.tflc.compressors;
