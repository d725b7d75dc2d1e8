/**
 * tf-lc as a Java library: {@link io.tflc.lc.api.Lc#compress} describes an LC run with typed values (data sources,
 * views, compressions, schedule, L-step, loss) and runs it, returning a {@link io.tflc.lc.api.CompressionResult};
 * {@link io.tflc.lc.api.PlanRunner} runs any {@link io.tflc.lc.plan.Plan}, whether a plan file, the command line or
 * the builder made it. Nothing here prints: progress and notices go to an {@link io.tflc.lc.algorithm.LcRun.Listener}.
 */
package io.tflc.lc.api;
