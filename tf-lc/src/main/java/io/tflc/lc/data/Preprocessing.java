package io.tflc.lc.data;

import java.util.Arrays;

/**
 * Applies a {@link DataSpec.Preprocess} to loaded features, in place, so that every source prepares its examples
 * the same way the model was trained on: multiply by {@code scale}; then either subtract {@code mean} and divide by
 * {@code std} per channel (the last dimension of the example shape; one value serves every channel), or TF's
 * {@code per_image_standardization}, (x − mean) / max(std, 1/√N) over each example's N values. Resizing is not
 * done here: only image sources can resize, before their pixels become features.
 *
 * <p>Scaling is one float multiplication per value, so IDX pixels come out bit-identical to the old loader's
 * {@code (pixel & 0xff) * scale}.
 */
public final class Preprocessing {
    private Preprocessing() {
    }

    /**
     * Preprocesses {@code features} (examples of {@code exampleShape}, one after another) in place.
     *
     * @throws IllegalArgumentException when the preprocessing does not fit the shape (mean/std of another length
     *         than the channels) or contradicts itself
     */
    public static void apply(float[] features, int[] exampleShape, DataSpec.Preprocess p) {
        if (p == null) {
            return;
        }
        check(p, exampleShape);
        float scale = p.scale();
        if (scale != 1f) {
            for (int i = 0; i < features.length; i++) {
                features[i] *= scale;
            }
        }
        if (p.perImageStandardization()) {
            standardizePerImage(features, ExampleShapes.size(exampleShape));
        } else if (p.mean() != null || p.std() != null) {
            normalizePerChannel(features, exampleShape, p.mean(), p.std());
        }
    }

    /** Throws for a preprocessing that cannot apply to examples of {@code exampleShape}. */
    public static void check(DataSpec.Preprocess p, int[] exampleShape) {
        if (!Float.isFinite(p.scale())) {
            throw new IllegalArgumentException("preprocess scale must be a finite number, got " + p.scale());
        }
        if (p.perImageStandardization() && (p.mean() != null || p.std() != null)) {
            throw new IllegalArgumentException("preprocess: per_image_standardization and mean/std exclude each other");
        }
        int channels = channels(exampleShape);
        for (String name : new String[] {"mean", "std"}) {
            float[] values = name.equals("mean") ? p.mean() : p.std();
            if (values == null) {
                continue;
            }
            if (values.length != 1 && values.length != channels) {
                throw new IllegalArgumentException("preprocess " + name + " has " + values.length + " values; the "
                        + "model input " + Arrays.toString(exampleShape) + " has " + channels + " channels (its last "
                        + "dimension): give " + channels + " values, or 1 for all");
            }
            for (float v : values) {
                if (!Float.isFinite(v) || (name.equals("std") && v <= 0)) {
                    throw new IllegalArgumentException("preprocess " + name + " " + Arrays.toString(values)
                            + ": every value must be finite" + (name.equals("std") ? " and positive" : ""));
                }
            }
        }
        if (p.resize() != null && (p.resize().length != 2 || p.resize()[0] < 1 || p.resize()[1] < 1)) {
            throw new IllegalArgumentException("preprocess resize must be [height, width], got "
                    + Arrays.toString(p.resize()));
        }
    }

    private static int channels(int[] exampleShape) {
        return exampleShape.length == 0 ? 1 : exampleShape[exampleShape.length - 1];
    }

    private static void normalizePerChannel(float[] x, int[] exampleShape, float[] mean, float[] std) {
        int channels = channels(exampleShape);
        float[] m = perChannel(mean, channels, 0f);
        float[] s = perChannel(std, channels, 1f);
        for (int i = 0; i < x.length; i++) {
            int c = i % channels;
            x[i] = (x[i] - m[c]) / s[c];
        }
    }

    private static float[] perChannel(float[] values, int channels, float none) {
        float[] out = new float[channels];
        for (int c = 0; c < channels; c++) {
            out[c] = values == null ? none : values.length == 1 ? values[0] : values[c];
        }
        return out;
    }

    /** TF's per_image_standardization, with the sums in double. */
    private static void standardizePerImage(float[] x, int n) {
        double minStd = 1 / Math.sqrt(n);
        for (int start = 0; start < x.length; start += n) {
            double sum = 0;
            double squares = 0;
            for (int i = start; i < start + n; i++) {
                sum += x[i];
                squares += (double) x[i] * x[i];
            }
            double mean = sum / n;
            double std = Math.sqrt(Math.max(squares / n - mean * mean, 0));
            double divisor = Math.max(std, minStd);
            for (int i = start; i < start + n; i++) {
                x[i] = (float) ((x[i] - mean) / divisor);
            }
        }
    }
}
