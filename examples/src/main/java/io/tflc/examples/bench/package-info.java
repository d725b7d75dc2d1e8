/** Benchmarks: JMH suites for code paths, run through {@code bin/tf-lc bench}. */
package io.tflc.examples.bench;
