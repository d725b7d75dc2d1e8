/** The command line behind {@code bin/tf-lc} and the shipped examples (the demo, {@link io.tflc.examples.ApiExample}). */
package io.tflc.examples;
