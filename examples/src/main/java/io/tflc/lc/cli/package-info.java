/** Command-line commands of the LC core: compress (run a plan) and evaluate. */
package io.tflc.lc.cli;
