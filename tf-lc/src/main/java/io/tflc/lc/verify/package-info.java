/** Checking a compressed model against its original as served: accuracy, agreement, size, latency, budgets. */
package io.tflc.lc.verify;
