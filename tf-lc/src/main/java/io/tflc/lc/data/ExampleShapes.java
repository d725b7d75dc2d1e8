package io.tflc.lc.data;

import java.util.Arrays;

/**
 * Checks that the examples a source holds fit the model's input, before anything trains: a mismatch found later
 * would surface as an obscure TensorFlow shape error in the middle of a run. Examples fit when they hold the same
 * number of values and, where both shapes are more than a vector (ignoring dimensions of 1), the same dimensions:
 * a [28, 28] IDX image fits a [784] or [28, 28, 1] input, a 14×56 array does not fit a 28×28 one.
 */
final class ExampleShapes {
    private ExampleShapes() {
    }

    /** Number of values in one example of {@code shape}. */
    static int size(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("examples of shape " + Arrays.toString(shape) + " are too large");
        }
        return (int) n;
    }

    /**
     * Throws unless an example of {@code given} dimensions fits an input of {@code model} shape.
     *
     * @param where the source and the file (and example) for the message
     */
    static void check(long[] given, int[] model, String where) throws InvalidDataException {
        long values = 1;
        for (long d : given) {
            values *= d;
        }
        long[] a = withoutOnes(given);
        long[] b = withoutOnes(Arrays.stream(model).asLongStream().toArray());
        boolean fits = values == size(model) && (a.length <= 1 || b.length <= 1 || Arrays.equals(a, b));
        if (!fits) {
            throw new InvalidDataException(where + " holds examples of shape " + Arrays.toString(given) + " ("
                    + values + " values); the model input is " + Arrays.toString(model) + " (" + size(model)
                    + " values)");
        }
    }

    /**
     * The channels an image must have for this input: the last dimension of an [height, width, channels] input, 1
     * for an [height, width] input, 0 (any, as long as the value count fits) for a vector input.
     */
    static int channels(int[] model) {
        return model.length == 3 ? model[2] : model.length == 2 ? 1 : 0;
    }

    /**
     * Throws unless a decoded image of {@code hwc} = [height, width, channels] fits the input: its channels first
     * (the commonest mistake: colour images for a greyscale model), then its size.
     *
     * @param where the source and the image file (or record) for the message
     */
    static void checkImage(long[] hwc, int[] model, String where) throws InvalidDataException {
        int channels = channels(model);
        if (channels > 0 && hwc[2] != channels) {
            throw new InvalidDataException(where + " has " + hwc[2] + " channel" + (hwc[2] == 1 ? "" : "s")
                    + "; the model takes images with " + channels + " (input " + Arrays.toString(model) + ")");
        }
        if (model.length >= 2) {
            if (hwc[0] != model[0] || hwc[1] != model[1]) {
                throw new InvalidDataException(where + " is " + hwc[0] + "×" + hwc[1] + "; the model takes "
                        + model[0] + "×" + model[1] + " images (input " + Arrays.toString(model)
                        + "); preprocess resize scales images");
            }
        } else if (hwc[0] * hwc[1] * hwc[2] != size(model)) {
            throw new InvalidDataException(where + " is a " + hwc[0] + "×" + hwc[1] + " image with " + hwc[2]
                    + " channel" + (hwc[2] == 1 ? "" : "s") + " (" + hwc[0] * hwc[1] * hwc[2]
                    + " values); the model input " + Arrays.toString(model) + " takes " + size(model) + " values");
        }
    }

    private static long[] withoutOnes(long[] shape) {
        return Arrays.stream(shape).filter(d -> d != 1).toArray();
    }
}
