package io.tflc.lc.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.tensorflow.exceptions.TensorFlowException;

/**
 * {@code tf.Example} records in TFRecord files: {@code tfrecord:GLOB} ({@code /data/train-*.tfrecord}, a single
 * file, or several comma-separated), files read in order, records in file order. The feature key is
 * {@code spec.features().get(0)} (default {@code image}) and the label key {@code spec.label()} (default
 * {@code label}); {@code spec.decode()} says how the feature is stored: {@code image} (PNG/JPEG bytes, decoded and
 * optionally resized by TF ops), {@code float} or {@code int64} (a list of the example's values, row-major), or
 * {@code raw} (one bytes value: the example's values as unsigned 8-bit integers, row-major, read by TF's
 * {@code DecodeRaw}; null decides by {@link TfExampleSchema#of}'s rule). The label
 * is an int64 or float list; its values become the example's targets.
 *
 * <p>Reading is TensorFlow's ({@link TfRecordGraph}); the framing is walked first ({@link TfRecordFiles}) so that
 * every record is counted and a file cut inside a header is not mistaken for a complete one. Errors name the file
 * and the record (1-based). Everything is loaded into memory for now.
 */
public final class TfRecordSource implements DataSource {
    private final String patterns;
    private final DataSpec spec;

    /** Records from the files {@code patterns} names (comma-separated files or globs in the file name). */
    public TfRecordSource(String patterns, DataSpec spec) {
        this.patterns = patterns;
        this.spec = spec;
    }

    /** The files read, in order. */
    public List<Path> files() throws IOException {
        return TfRecordFiles.match(patterns, describe());
    }

    @Override
    public Dataset load(int[] exampleShape) throws IOException {
        Preprocessing.check(spec.preprocess(), exampleShape);
        List<Path> files = files();
        int[] counts = new int[files.size()];
        long total = 0;
        Path first = null;
        for (int f = 0; f < files.size(); f++) {
            counts[f] = TfRecordFiles.countRecords(files.get(f), describe());
            total += counts[f];
            if (first == null && counts[f] > 0) {
                first = files.get(f);
            }
        }
        Examples.requireSome(this, total);
        int size = ExampleShapes.size(exampleShape);
        TfExampleSchema schema = TfExampleSchema.of(spec, TfRecordFiles.firstRecord(first, describe()), size,
                TfRecordFiles.where(describe(), first, 1));
        boolean image = schema.decode() == TfExampleSchema.Decode.IMAGE;
        boolean raw = schema.decode() == TfExampleSchema.Decode.RAW;
        if (!image && spec.preprocess().resize() != null) {
            throw new IllegalArgumentException(describe() + ": preprocess resize applies to images; feature '"
                    + schema.featureKey() + "' is " + (raw ? "raw 8-bit values"
                    : "a " + schema.decode().name().toLowerCase(Locale.ROOT) + " list"));
        }
        int width = schema.labelWidth();
        float[] features = Examples.allocate(this, total, size);
        float[] targets = Examples.allocate(this, total, width);
        int example = 0;
        try (TfRecordGraph graph = new TfRecordGraph(schema, spec.preprocess().resize())) {
            for (int f = 0; f < files.size(); f++) {
                Path file = files.get(f);
                if (counts[f] == 0) {
                    continue;
                }
                graph.open(file);
                for (int record = 1; record <= counts[f]; record++) {
                    String where = TfRecordFiles.where(describe(), file, record);
                    TfRecordGraph.Parsed parsed;
                    try {
                        parsed = graph.next();
                    } catch (TensorFlowException | IllegalArgumentException e) {
                        throw new InvalidDataException(where + ": " + TfErrors.firstLine(e), e);
                    }
                    if (image) {
                        ExampleShapes.checkImage(parsed.shape(), exampleShape, where);
                    } else if (raw && parsed.shape()[0] != size) {
                        throw new InvalidDataException(where + " holds a raw value of " + parsed.shape()[0]
                                + " bytes in feature '" + schema.featureKey() + "'; the model input "
                                + java.util.Arrays.toString(exampleShape) + " takes " + size + " (one byte a value)");
                    } else {
                        ExampleShapes.check(parsed.shape(), exampleShape, where);
                    }
                    if (parsed.label().length != width) {
                        throw new InvalidDataException(where + " has " + parsed.label().length + " values of label '"
                                + schema.labelKey() + "'; " + first + " record 1 has " + width);
                    }
                    System.arraycopy(parsed.features(), 0, features, example * size, size);
                    System.arraycopy(parsed.label(), 0, targets, example * width, width);
                    example++;
                }
            }
        }
        return Examples.dataset(this, features, targets, width, exampleShape, spec);
    }

    @Override
    public String describe() {
        return "tfrecord:" + patterns;
    }
}
