package io.tflc.lc.data;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;

/**
 * A training set of {@code tf.Example}s in TFRecord files, read from disk as training goes and never held in memory:
 * for sets larger than memory (or than one Java array). Each pass reads the files again through TensorFlow's own
 * data ops ({@link TfRecordBatches}), shuffling blocks of {@code shuffleBuffer} records. Parsing the records is most
 * of what reading costs; a stream {@link #cachedIn} a folder parses them once, on its first pass, and reads the parsed
 * blocks back from a file of about the records' size on the later ones.
 *
 * <p>The feature is a float or int64 list (row-major values of one example) or one bytes value of the example's
 * values as unsigned 8-bit integers ({@code decode: raw}; a quarter of a float list's bytes and no per-value
 * framing to parse), the label an int64 or float list, keys
 * and types as for {@link TfRecordSource} ({@code spec.features()}, {@code spec.label()}, {@code spec.decode()},
 * checked against the first record). Encoded images are not streamed: decoding is the in-memory
 * {@code tfrecord:} source's. Opening walks every record header ({@link TfRecordFiles}), which counts the examples
 * and finds a file cut short before training starts; the records' data is checked by TF as it reads.
 */
public final class TfRecordStream implements TrainingData {
    private final String patterns;
    private final List<Path> files;
    private final int[] recordCounts;
    private final int size;
    private final TfExampleSchema schema;
    private final int[] exampleShape;
    private final DataSpec.Preprocess preprocess;
    private final int shuffleBuffer;
    private final Path cache;

    private TfRecordStream(String patterns, List<Path> files, int[] recordCounts, TfExampleSchema schema,
                           int[] exampleShape, DataSpec.Preprocess preprocess, int shuffleBuffer, Path cache) {
        this.patterns = patterns;
        this.files = List.copyOf(files);
        this.recordCounts = recordCounts;
        this.size = (int) java.util.Arrays.stream(recordCounts).asLongStream().sum();
        this.schema = schema;
        this.exampleShape = exampleShape.clone();
        this.preprocess = preprocess;
        this.shuffleBuffer = shuffleBuffer;
        this.cache = cache;
    }

    /**
     * The records of {@code filesOrGlob} (comma-separated files or globs in the file name, read in order), as
     * examples of {@code exampleShape} prepared as {@code spec} says, shuffled in passes through a buffer of
     * {@code shuffleBuffer} records, each permuted whole (the whole set for a full shuffle; memory grows with it:
     * up to three blocks of parsed examples are held).
     *
     * @throws IllegalArgumentException for a feature of encoded images, a resize, an unusable preprocessing or
     *         shuffle buffer
     * @throws IOException for files that are missing, empty, cut short, or whose first record does not hold the
     *         keys and types asked for or as many values as the model's input
     */
    public static TfRecordStream open(String filesOrGlob, DataSpec spec, int[] exampleShape, int shuffleBuffer)
            throws IOException {
        String source = describe(filesOrGlob);
        if (shuffleBuffer < 1) {
            throw new IllegalArgumentException(source + ": the shuffle buffer must hold at least 1 record, got "
                    + shuffleBuffer);
        }
        Preprocessing.check(spec.preprocess(), exampleShape);
        if (spec.preprocess().resize() != null) {
            throw new IllegalArgumentException(source + ": preprocess resize applies to images, which are not "
                    + "streamed; load them into memory with the tfrecord: source");
        }
        List<Path> files = TfRecordFiles.match(filesOrGlob, source);
        int[] counts = new int[files.size()];
        long total = 0;
        Path first = null;
        for (int f = 0; f < counts.length; f++) {
            counts[f] = TfRecordFiles.countRecords(files.get(f), source);
            total += counts[f];
            if (first == null && counts[f] > 0) {
                first = files.get(f);
            }
        }
        if (total == 0) {
            throw new InvalidDataException(source + " holds no examples");
        }
        if (total > Integer.MAX_VALUE) {
            throw new InvalidDataException(source + " holds " + total + " examples; at most " + Integer.MAX_VALUE
                    + " can be counted in one pass");
        }
        String where = TfRecordFiles.where(source, first, 1);
        byte[] record = TfRecordFiles.firstRecord(first, source);
        TfExampleSchema schema = TfExampleSchema.of(spec, record, ExampleShapes.size(exampleShape), where);
        if (schema.decode() == TfExampleSchema.Decode.IMAGE) {
            throw new IllegalArgumentException(where + ": feature '" + schema.featureKey() + "' holds encoded "
                    + "images (a bytes list); streaming reads float or int64 lists and raw 8-bit values only: use "
                    + "the in-memory tfrecord: source for images");
        }
        ExampleShapes.check(new long[] {valueCount(record, schema.featureKey())}, exampleShape, where);
        return new TfRecordStream(filesOrGlob, files, counts, schema, exampleShape, spec.preprocess(), shuffleBuffer,
                null);
    }

    /**
     * This stream with its parsed blocks cached in files in {@code folder} (an existing folder of the caller's,
     * which the caller deletes after use): the first pass writes them, later passes read them instead of the
     * records, which skips parsing. They take about
     * as much disk as the records; a pass left unfinished leaves no cache behind, the next one writes it anew.
     */
    public TfRecordStream cachedIn(Path folder) {
        if (!java.nio.file.Files.isDirectory(folder)) {
            throw new IllegalArgumentException("the cache folder " + folder + " of " + describe() + " is not a "
                    + "folder: create it first");
        }
        return new TfRecordStream(patterns, files, recordCounts, schema, exampleShape, preprocess, shuffleBuffer,
                folder);
    }

    @Override
    public int size() {
        return size;
    }

    /** A pass-maker over the files: a TF graph and session of its own, to close after use. */
    @Override
    public BatchSource batches(int batchSize) {
        return new TfRecordBatches(this, batchSize);
    }

    @Override
    public BatchSource exactBatches(int batchSize) {
        throw new IllegalArgumentException("the model's graph takes batches of exactly " + batchSize + " examples, "
                + "which streamed data does not pad yet: load the training data (no --stream / \"stream\": false) "
                + "or export the model with a free batch dimension");
    }

    /** "tfrecord:FILES", how messages name this set. */
    public String describe() {
        return describe(patterns);
    }

    /** The files read, in order. */
    public List<Path> files() {
        return files;
    }

    public int[] exampleShape() {
        return exampleShape.clone();
    }

    /** Target values per example (the label's width). */
    public int targetWidth() {
        return schema.labelWidth();
    }

    /** Records in file {@code f} of {@link #files()}. */
    int recordCount(int f) {
        return recordCounts[f];
    }

    int shuffleBuffer() {
        return shuffleBuffer;
    }

    /** The folder the parsed blocks are cached in, or null. */
    Path cache() {
        return cache;
    }

    TfExampleSchema schema() {
        return schema;
    }

    DataSpec.Preprocess preprocess() {
        return preprocess;
    }

    private static String describe(String patterns) {
        return "tfrecord:" + patterns;
    }

    /**
     * The number of values of the float or int64 list {@code key} in a record already parsed once, or the length of
     * its raw bytes value.
     */
    private static long valueCount(byte[] record, String key) throws InvalidDataException {
        try {
            Feature feature = Example.parseFrom(record).getFeatures().getFeatureOrThrow(key);
            return feature.hasFloatList() ? feature.getFloatList().getValueCount()
                    : feature.hasBytesList() ? feature.getBytesList().getValue(0).size()
                    : feature.getInt64List().getValueCount();
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidDataException("not a tf.Example: " + e.getMessage(), e);
        }
    }
}
