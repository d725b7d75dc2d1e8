/**
 * The LC algorithm: tasks (weights, view, compression), the μ schedule, L-step settings, the run loop
 * ({@link io.tflc.lc.algorithm.LcRun}) and its report rows.
 */
package io.tflc.lc.algorithm;
