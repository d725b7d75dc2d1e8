/**
 * JUnit 5 assertions for CI gates over a compressed SavedModel:
 * {@link io.tflc.lc.junit.CompressedModelAssert#assertThat}. Needs {@code junit-jupiter-api} on the class path
 * (tf-lc declares it optional: a test class path has it).
 */
package io.tflc.lc.junit;
