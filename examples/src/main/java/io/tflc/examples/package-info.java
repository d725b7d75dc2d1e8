/** The command line behind {@code bin/tf-lc} and the shipped examples (the demo). */
package io.tflc.examples;
