/** The additive combination of compressions, whose C-step alternates over its parts. */
package io.tflc.compressors.additive;
