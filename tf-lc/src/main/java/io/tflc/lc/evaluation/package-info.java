/** Predictions of a model and the measures built on them: accuracy and agreement. */
package io.tflc.lc.evaluation;
