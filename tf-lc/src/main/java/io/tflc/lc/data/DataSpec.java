package io.tflc.lc.data;

import java.util.List;

/**
 * What a plan's {@code data} section (or the command line) says about reading and preparing examples, apart from
 * the sources themselves.
 *
 * @param label CSV: the label column (null: the last column); TFRecord: the label feature key (null: "label")
 * @param features CSV: the feature columns in order (null: every column but the label); TFRecord: the feature key
 *        of the image or vector (null: "image")
 * @param decode TFRecord: how the feature is stored: {@code image} (encoded PNG/JPEG bytes), {@code float} (float
 *        list), {@code int64} (int64 list) or {@code raw} (a bytes list of one value per example: the example's
 *        values, row-major, as unsigned 8-bit integers, e.g. pixels 0..255; decoded by TF's {@code DecodeRaw});
 *        null: what the first record's feature holds (a bytes value with a PNG/JPEG/GIF/BMP signature is an image,
 *        one without a signature and with as many bytes as the model input has values is raw, any other is refused)
 * @param classes image folders: the class folder names in label order (null: sorted folder names)
 * @param preprocess applied to the features after loading (null: {@link Preprocess#NONE})
 */
public record DataSpec(String label, List<String> features, String decode, List<String> classes,
                       Preprocess preprocess) {

    /** Nothing named: defaults everywhere, no preprocessing. */
    public static final DataSpec DEFAULT = new DataSpec(null, null, null, null, Preprocess.NONE);

    public DataSpec {
        preprocess = preprocess == null ? Preprocess.NONE : preprocess;
    }

    /**
     * Preprocessing, in this order: resize (images, bilinear, to {@code resize} = [height, width]), multiply by
     * {@code scale}, then either subtract {@code mean} and divide by {@code std} per channel (the last dimension)
     * or, with {@code perImageStandardization}, TF's per-image formula (x − mean) / max(std, 1/√N).
     *
     * @param scale 1 for none
     * @param mean per channel (one value: for every channel), or null
     * @param std per channel (one value: for every channel), or null
     * @param resize [height, width], or null
     */
    public record Preprocess(float scale, float[] mean, float[] std, boolean perImageStandardization, int[] resize) {
        public static final Preprocess NONE = new Preprocess(1f, null, null, false, null);

        public Preprocess withScale(float newScale) {
            return new Preprocess(newScale, mean, std, perImageStandardization, resize);
        }
    }
}
