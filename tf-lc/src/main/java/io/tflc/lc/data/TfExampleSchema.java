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
 * @param decode how it is stored
 * @param labelKey the label feature ({@code spec.label()}, default {@code label})
 * @param labelInt64 whether the label is an int64 list (otherwise a float list)
 * @param labelWidth the number of label values per example (every record must have as many)
 */
record TfExampleSchema(String featureKey, Decode decode, String labelKey, boolean labelInt64, int labelWidth) {

    /** How the feature is stored: encoded image bytes, a float list, an int64 list. */
    enum Decode {
        IMAGE, FLOAT, INT64
    }

    /**
     * The schema {@code spec} asks for, checked against the first record. A null {@code spec.decode()} means what
     * the feature holds: bytes are an image, float and int64 lists are vectors.
     *
     * @param where the source, file and record, for messages
     */
    static TfExampleSchema of(DataSpec spec, byte[] firstRecord, String where) throws InvalidDataException {
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
        Decode decode = spec.decode() == null ? stored : decode(spec.decode());
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

    private static Decode decode(String name) {
        try {
            return Decode.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("data.decode is '" + name + "'; it is image (encoded PNG/JPEG bytes), "
                    + "float (a float list) or int64 (an int64 list)");
        }
    }

    private static String kind(Decode decode) {
        return switch (decode) {
            case IMAGE -> "a bytes list (an encoded image)";
            case FLOAT -> "a float list";
            case INT64 -> "an int64 list";
        };
    }
}
