package io.tflc.compressors;

/**
 * Conversions between TF's float32 weights and the double precision C-steps work in.
 */
public final class Precision {
    private Precision() {
    }

    public static double[] toDoubles(float[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = values[i];
        }
        return d;
    }

    public static float[] toFloats(double[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return f;
    }
}
