/**
 * A SavedModel is a program: before anything of one runs, {@link io.tflc.savedmodels.safety.OpScan} checks every
 * node of its graph and of its function library against an allow-list of computation ops, and lets file ops
 * through only when they are the model's own saver reading or writing under the filename tf-lc feeds it.
 */
package io.tflc.savedmodels.safety;
