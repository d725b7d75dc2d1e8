/** The L-step: the penalty graph added to a model, its gradients and optimizer updates, training and evaluation. */
package io.tflc.lc.lstep;
