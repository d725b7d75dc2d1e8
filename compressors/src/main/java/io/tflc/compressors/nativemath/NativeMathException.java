package io.tflc.compressors.nativemath;

/**
 * The native maths (OpenBLAS, through ND4J or LAPACK) gave a wrong result on this machine. The message names the
 * computation, the library version, the core type OpenBLAS chose and the workaround.
 */
public final class NativeMathException extends ArithmeticException {
    private static final long serialVersionUID = 1L;

    public NativeMathException(String message) {
        super(message);
    }
}
