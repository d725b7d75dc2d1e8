package io.tflc.lc.data;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;

/**
 * What the {@code tf.Example}s of a TFRecord source hold: the feature key and how it is stored, the label key and
 * its type. TF's parse op must be told the types before it runs, and a record holding floats where int64s were
 * declared fails with a bare "data types don't match"; so the first record is looked at here (with TF's own protobuf
 * classes), and a missing key or a wrong type is reported with the keys the record does hold.
 *
 * @param featureKey the feature to read ({@code spec.features().get(0)}, default {@code image})
 * @param decode how it is stored: for a bytes list, an encoded image or raw unsigned 8-bit values (see
 *        {@link #of})
 * @param labelKey the label feature ({@code spec.label()}, default {@code label})
 * @param labelInt64 whether the label is an int64 list (otherwise a float list)
 * @param labelWidth the number of label values per example (every record must have as many)
 */
record TfExampleSchema(String featureKey, Decode decode, String labelKey, boolean labelInt64, int labelWidth) {

    /**
     * How the feature is stored: encoded image bytes, a float list, an int64 list, or one bytes value of the
     * example's values as unsigned 8-bit integers ({@code raw}, TF's {@code DecodeRaw} with {@code out_type uint8}).
     */
    enum Decode {
        IMAGE, FLOAT, INT64, RAW
    }

    /**
     * The schema {@code spec} asks for, checked against the first record. A null {@code spec.decode()} means what
     * the feature holds: float and int64 lists are vectors; a bytes value is an image when it carries an image
     * file's signature (PNG's 8 bytes, GIF87a/GIF89a, JPEG's FF D8 FF at the start and FF D9 at the end, or BMP's
     * "BM" followed by the value's own length), raw 8-bit values when it has no signature and exactly
     * {@code exampleValues} bytes, and otherwise an error asking for {@code data.decode}. The signatures are the
     * long ones on purpose: raw pixels that begin "BM" or FF D8 FF are plausible, raw pixels that also end FF D9 or
     * spell out their own length are not; and a bytes value without a signature is nothing TF's image decoder
     * reads, so taking it for raw values of the model's size costs nothing an error would have saved. Only the
     * first record decides; every record is then decoded the same way and checked for its length.
     *
     * @param exampleValues the number of values of one of the model's examples
     * @param where the source, file and record, for messages
     */
    static TfExampleSchema of(DataSpec spec, byte[] firstRecord, int exampleValues, String where)
            throws InvalidDataException {
        if (spec.features() != null && spec.features().size() != 1) {
            throw new IllegalArgumentException(where + ": a TFRecord source reads one feature key, data.features "
                    + "names " + spec.features());
        }
        String featureKey = spec.features() == null ? "image" : spec.features().get(0);
        String labelKey = spec.label() == null ? "label" : spec.label();
        Map<String, Feature> features;
        try {
            features = Example.parseFrom(firstRecord).getFeatures().getFeatureMap();
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidDataException(where + " is not a tf.Example: " + e.getMessage(), e);
        }
        Feature feature = features.get(featureKey);
        if (feature == null) {
            throw new InvalidDataException(where + " has no feature '" + featureKey + "'; it holds "
                    + new TreeSet<>(features.keySet()) + " (data.features names the feature to read)");
        }
        Decode stored = switch (feature.getKindCase()) {
            case BYTES_LIST -> Decode.IMAGE;
            case FLOAT_LIST -> Decode.FLOAT;
            case INT64_LIST -> Decode.INT64;
            default -> throw new InvalidDataException(where + ": feature '" + featureKey + "' holds no values");
        };
        Decode asked = spec.decode() == null ? null : decode(spec.decode());
        if (stored == Decode.IMAGE) {
            if (feature.getBytesList().getValueCount() != 1) {
                throw new InvalidDataException(where + ": feature '" + featureKey + "' is a bytes list of "
                        + feature.getBytesList().getValueCount() + " values; one (an encoded image or the "
                        + "example's raw 8-bit values) is read");
            }
            if (asked == Decode.RAW) {
                stored = Decode.RAW;
            } else if (asked == null) {
                stored = bytesKind(feature.getBytesList().getValue(0).toByteArray(), exampleValues, featureKey,
                        where);
            }
        }
        Decode decode = asked == null ? stored : asked;
        if (decode != stored) {
            throw new InvalidDataException(where + ": feature '" + featureKey + "' is " + kind(stored)
                    + ", but data.decode is " + spec.decode() + " (" + kind(decode) + ")");
        }
        Feature label = features.get(labelKey);
        if (label == null) {
            throw new InvalidDataException(where + " has no label feature '" + labelKey + "'; it holds "
                    + new TreeSet<>(features.keySet()) + " (data.label names the label feature)");
        }
        int width = switch (label.getKindCase()) {
            case INT64_LIST -> label.getInt64List().getValueCount();
            case FLOAT_LIST -> label.getFloatList().getValueCount();
            default -> throw new InvalidDataException(where + ": label '" + labelKey + "' is "
                    + (label.getKindCase() == Feature.KindCase.BYTES_LIST ? "a bytes list" : "empty")
                    + "; labels are int64 or float lists");
        };
        if (width == 0) {
            throw new InvalidDataException(where + ": label '" + labelKey + "' holds no values");
        }
        return new TfExampleSchema(featureKey, decode, labelKey, label.getKindCase() == Feature.KindCase.INT64_LIST,
                width);
    }

    /** An image or raw values, by the rule of {@link #of}. */
    private static Decode bytesKind(byte[] value, int exampleValues, String featureKey, String where)
            throws InvalidDataException {
        if (imageSignature(value)) {
            return Decode.IMAGE;
        }
        if (value.length == exampleValues) {
            return Decode.RAW;
        }
        throw new InvalidDataException(where + ": feature '" + featureKey + "' is a bytes value of " + value.length
                + " bytes that starts with no PNG, JPEG, GIF or BMP signature and is not " + exampleValues
                + " raw 8-bit values (the model input's size); set data.decode to image or raw");
    }

    /** Whether {@code b} starts (and for JPEG ends) as a PNG, GIF, JPEG or BMP file does. */
    static boolean imageSignature(byte[] b) {
        int n = b.length;
        boolean png = n >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G' && b[4] == '\r'
                && b[5] == '\n' && b[6] == 0x1a && b[7] == '\n';
        boolean gif = n >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8' && (b[4] == '7' || b[4] == '9')
                && b[5] == 'a';
        boolean jpeg = n >= 5 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8 && (b[2] & 0xff) == 0xff
                && (b[n - 2] & 0xff) == 0xff && (b[n - 1] & 0xff) == 0xd9;
        boolean bmp = n >= 6 && b[0] == 'B' && b[1] == 'M'
                && ((b[2] & 0xffL) | (b[3] & 0xffL) << 8 | (b[4] & 0xffL) << 16 | (b[5] & 0xffL) << 24) == n;
        return png || gif || jpeg || bmp;
    }

    private static Decode decode(String name) {
        try {
            return Decode.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("data.decode is '" + name + "'; it is image (encoded PNG/JPEG bytes), "
                    + "float (a float list), int64 (an int64 list) or raw (one bytes value of unsigned 8-bit values)");
        }
    }

    private static String kind(Decode decode) {
        return switch (decode) {
            case IMAGE -> "a bytes list (an encoded image)";
            case FLOAT -> "a float list";
            case INT64 -> "an int64 list";
            case RAW -> "a bytes list (raw 8-bit values)";
        };
    }
}
