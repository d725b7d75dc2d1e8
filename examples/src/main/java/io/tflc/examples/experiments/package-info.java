/**
 * {@code tf-lc experiments}: the LC schemes of {@code examples/experiments/<model>.json} run on a reference model,
 * summed up as a table (Markdown and JSON) and a chart of test error against compression ratio.
 */
package io.tflc.examples.experiments;
