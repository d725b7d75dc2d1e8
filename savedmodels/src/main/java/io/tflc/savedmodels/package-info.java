/**
 * The trainable-model abstraction every model source produces ({@link io.tflc.savedmodels.TrainableModel}: graph,
 * session, input, logits, labels, resource-variable weights) and {@link io.tflc.savedmodels.WeightAccess}, the one
 * way tf-lc reads and writes variables from Java.
 */
package io.tflc.savedmodels;
