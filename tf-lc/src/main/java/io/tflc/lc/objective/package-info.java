/**
 * What the L-step minimises and how a model is measured: one {@link io.tflc.lc.objective.Objective} per loss
 * (softmax or sigmoid cross-entropy, squared or absolute error, distillation from the reference model), chosen by
 * {@link io.tflc.lc.objective.Objectives} from a name or from the model's output, and the {@link
 * io.tflc.lc.objective.Metrics} that go with it.
 */
package io.tflc.lc.objective;
