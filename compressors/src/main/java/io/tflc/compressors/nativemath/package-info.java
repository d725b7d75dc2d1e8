/**
 * Native maths, checked rather than trusted: {@link io.tflc.compressors.nativemath.NativeBlas} is the gate every use of
 * OpenBLAS (ND4J's products, the C-steps' LAPACK calls) passes; its first use compares small known problems against
 * plain Java ({@code NativeMathCheck}) and stops with {@link io.tflc.compressors.nativemath.NativeMathException},
 * naming the OpenBLAS version, its core type ({@link io.tflc.compressors.nativemath.OpenBlasCore}) and the workaround,
 * when they differ.
 */
package io.tflc.compressors.nativemath;
