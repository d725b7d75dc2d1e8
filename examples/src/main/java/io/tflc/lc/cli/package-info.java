/**
 * The command line behind {@code bin/tf-lc} ({@link io.tflc.lc.cli.Main}): picocli commands over the library
 * ({@code compress}, {@code auto}, {@code sensitivity}, {@code evaluate}, {@code inspect}, {@code verify},
 * {@code prune-id}), progress output and the PNG charts. It lives here, beside the examples, so that the
 * {@code tf-lc} library pulls no picocli, XChart or progressbar into a serving pipeline.
 */
package io.tflc.lc.cli;
