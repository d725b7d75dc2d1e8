/**
 * Per-layer sensitivity: how much each compressible weight of a model can take on its own. For every weight and a
 * ladder of compressions ({@link io.tflc.lc.sensitivity.Ladder}), the model with only that weight directly
 * compressed is measured on a validation split carved from the training data
 * ({@link io.tflc.lc.sensitivity.ValidationSplit}); {@link io.tflc.lc.sensitivity.Sensitivity} runs it and returns
 * an immutable {@link io.tflc.lc.sensitivity.SensitivityReport}, which {@link
 * io.tflc.lc.sensitivity.SensitivityFiles} writes as JSON, Markdown and a chart. Nothing here prints.
 */
package io.tflc.lc.sensitivity;
