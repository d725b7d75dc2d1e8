package io.tflc.lc.data;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFOutOfRangeException;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.data.Iterator;
import org.tensorflow.op.data.MakeIterator;
import org.tensorflow.op.data.ParseExampleDataset;
import org.tensorflow.op.io.DecodeRaw;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.data.DatasetOptions;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.RewriterConfig;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;
import org.tensorflow.types.family.TNumber;
import org.tensorflow.types.family.TType;

/**
 * The minibatches of a {@link TfRecordStream}, read by TensorFlow's data ops in a graph and session of their own:
 * {@code TFRecordDataset} (all files, in order) → {@code ShuffleDataset} (shuffled passes only) →
 * {@code BatchDataset} (the last batch may be short) → {@code ParseExampleDatasetV2} (a batch of serialized examples
 * into dense [n, values] features, or [n] strings of raw 8-bit values, and [n, width] labels, on TF's threads) →
 * {@code PrefetchDataset} (TF reads and parses the next batches while the model trains on this one) →
 * {@code OptionsDataset} (no autotuning, a small private thread pool) → iterator. A batch is one session run: the
 * iterator's next element (raw values: {@code DecodeRaw} to uint8, their length checked), reshaped to the example
 * shape, cast to float and preprocessed by TF ops ({@link PreprocessingOps}); its tensors are the run's results,
 * closed when the consumer returns. Nothing is copied through Java arrays and nothing outlives a batch but TF's
 * buffers (shuffle and prefetch), so memory stays flat over any number of passes ({@code bench stream}: resident
 * memory within 7 MB over three passes of 4 GB, the Java heap pre-touched).
 *
 * <p>Each pass makes the iterator anew (feeding a shuffled pass's seeds), which also frees the previous pass's
 * buffers. The dataset ops are the first versions, built by name where TF Java 1.0 makes later ones: the
 * {@code TFRecordDatasetV2} kernel cannot be re-serialized when an iterator is made over it (see
 * {@link TfRecordGraph}), and {@code ShuffleDataset} with {@code reshuffle_each_iteration = false} takes its order
 * from its two seeds alone, where later versions share a seed generator between passes. When the session first
 * runs, TF logs a warning "Type inference failed … while inferring type of node 'BatchDataset'"; the batches are
 * right regardless (the tests compare every value with the IDX files).
 */
final class TfRecordBatches implements BatchSource {
    /** Bytes TF reads from a file at a time. */
    private static final long READ_BUFFER_BYTES = 1 << 20;
    /** Batches parsed ahead of the one training. */
    private static final long PREFETCH_BATCHES = 4;
    /** Batches parsed at once (TF keeps their order), and the threads of the pipeline's own pool. */
    private static final int DATA_THREADS = 2;
    /**
     * The pipeline's options: TF's autotuning off (it runs a model of the pipeline on threads of its own and raises
     * parallelism to the cores; on 2 cores, streamed L-step epochs took 1.7 times as long with it as without), a
     * private pool of {@link #DATA_THREADS} threads, ops inside it single-threaded. What the pipeline costs is then
     * the CPU time of reading, shuffling and parsing, which training on busy cores cannot hide.
     */
    private static final DatasetOptions.Options PIPELINE_OPTIONS = DatasetOptions.Options.newBuilder()
            .setAutotuneOptions(DatasetOptions.AutotuneOptions.newBuilder().setEnabled(false))
            .setThreadingOptions(DatasetOptions.ThreadingOptions.newBuilder().setPrivateThreadpoolSize(DATA_THREADS)
                    .setMaxIntraOpParallelism(1)).build();

    /**
     * Grappler's constant folding would turn a division by the constant std into a multiplication by its
     * reciprocal, which differs from {@link Preprocessing} in the last bit; this graph has nothing else to fold.
     */
    private static final ConfigProto EXACT_ARITHMETIC = ConfigProto.newBuilder().setGraphOptions(
            GraphOptions.newBuilder().setRewriteOptions(RewriterConfig.newBuilder()
                    .setConstantFolding(RewriterConfig.Toggle.OFF))).build();

    private final TfRecordStream stream;
    private final int batchSize;
    private final Graph graph;
    private final Session session;
    private final Placeholder<TInt64> seed;
    private final Placeholder<TInt64> seed2;
    private final MakeIterator startInOrder;
    private final MakeIterator startShuffled;
    private final Operand<TFloat32> features;
    private final Operand<TFloat32> targets;

    TfRecordBatches(TfRecordStream stream, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be ≥ 1, got " + batchSize);
        }
        this.stream = stream;
        this.batchSize = Math.min(batchSize, stream.size());
        graph = new Graph();
        try {
            Ops tf = Ops.create(graph);
            TfExampleSchema schema = stream.schema();
            int[] exampleShape = stream.exampleShape();
            int exampleSize = ExampleShapes.size(exampleShape);
            boolean raw = schema.decode() == TfExampleSchema.Decode.RAW;
            Class<? extends TType> featureType = raw ? TString.class
                    : schema.decode() == TfExampleSchema.Decode.FLOAT ? TFloat32.class : TInt64.class;
            Class<? extends TType> labelType = schema.labelInt64() ? TInt64.class : TFloat32.class;
            List<Class<? extends TType>> types = List.of(featureType, labelType);
            List<Shape> shapes = List.of(raw ? Shape.of(-1) : Shape.of(-1, exampleSize),
                    Shape.of(-1, schema.labelWidth()));

            Operation records = records(tf, stream.files());
            seed = tf.withName("seed").placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
            seed2 = tf.withName("seed2").placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
            Operation shuffled = tf.scope().opBuilder("ShuffleDataset", "shuffled").addInput(records.output(0))
                    .addInput(tf.constant((long) stream.shuffleBuffer()).asOutput()).addInput(seed.asOutput())
                    .addInput(seed2.asOutput()).setAttr("reshuffle_each_iteration", false)
                    .setAttr("output_types", new DataType[] {DataType.DT_STRING})
                    .setAttr("output_shapes", new Shape[] {Shape.scalar()}).build();

            Iterator iterator = tf.data.iterator("", "", types, shapes);
            startInOrder = tf.withName("start_in_order").data.makeIterator(
                    parsedBatches(tf, records.output(0), schema, types, shapes), iterator);
            startShuffled = tf.withName("start_shuffled").data.makeIterator(
                    parsedBatches(tf, shuffled.output(0), schema, types, shapes), iterator);

            List<Output<?>> next = tf.data.iteratorGetNext(iterator, types, shapes).components();
            @SuppressWarnings("unchecked")
            Operand<TFloat32> x = raw ? decodeRaw(tf, (Operand<TString>) next.get(0), exampleSize)
                    : toFloat(tf, next.get(0));
            if (exampleShape.length != 1) {
                long[] dims = new long[exampleShape.length + 1];
                dims[0] = -1;
                for (int d = 0; d < exampleShape.length; d++) {
                    dims[d + 1] = exampleShape[d];
                }
                x = tf.reshape(x, tf.constant(dims));
            }
            features = PreprocessingOps.apply(tf, x, exampleShape, stream.preprocess());
            targets = toFloat(tf, next.get(1));
            session = new Session(graph, EXACT_ARITHMETIC);
        } catch (RuntimeException e) {
            graph.close();
            throw e;
        }
    }

    @Override
    public int size() {
        return stream.size();
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    /** A pass through TF's shuffle buffer, seeded by two numbers drawn from {@code random}. */
    @Override
    public void shuffled(SplittableRandom random, Minibatches.BatchConsumer consumer) {
        long first = random.nextLong();
        long second = random.nextLong();
        if (first == 0 && second == 0) {
            second = 1; // both 0 would make TF pick a seed of its own
        }
        try (TInt64 a = TInt64.scalarOf(first); TInt64 b = TInt64.scalarOf(second)) {
            pass(session.runner().feed(seed, a).feed(seed2, b).addTarget(startShuffled), false, consumer);
        }
    }

    @Override
    public void inOrder(Minibatches.BatchConsumer consumer) {
        pass(session.runner().addTarget(startInOrder), true, consumer);
    }

    @Override
    public void close() {
        session.close();
        graph.close();
    }

    /**
     * Starts a pass and hands {@link #count()} batches to {@code consumer}; TF's errors while reading (a corrupt
     * record, a record of another length) come out as {@link InvalidDataException}s in an
     * {@link UncheckedIOException}, naming the file and record where they can be found
     * ({@link StreamedRecordErrors}).
     */
    private void pass(Session.Runner start, boolean inOrder, Minibatches.BatchConsumer consumer) {
        try (Result started = run(start, 0, -1)) {
            // nothing fetched: making the iterator is all
        }
        int count = count();
        for (int b = 0; b < count; b++) {
            long first = (long) b * batchSize;
            try (Result result = run(session.runner().fetch(features).fetch(targets), b, inOrder ? first : -1)) {
                TFloat32 x = (TFloat32) result.get(0);
                TFloat32 y = (TFloat32) result.get(1);
                int size = (int) x.shape().get(0);
                int expected = b < count - 1 ? batchSize : size() - b * batchSize;
                if (size != expected) {
                    throw new UncheckedIOException(new InvalidDataException(stream.describe() + ": batch " + (b + 1)
                            + " of the pass holds " + size + " examples, " + expected + " expected: the files have "
                            + "changed since they were opened"));
                }
                consumer.accept(new Minibatches.Batch(x, y, size));
            }
        }
    }

    /**
     * Runs {@code runner} with TF's errors turned into data errors; {@code batch} is the number of batches read,
     * {@code firstInBatch} the number of the batch's first record in a pass in file order (−1 otherwise).
     */
    private Result run(Session.Runner runner, int batch, long firstInBatch) {
        try {
            return runner.run();
        } catch (TFOutOfRangeException e) {
            throw new UncheckedIOException(new InvalidDataException(stream.describe() + " ended after " + batch
                    + " batches of " + batchSize + ", " + size() + " examples expected: the files have changed "
                    + "since they were opened", e));
        } catch (TensorFlowException | IllegalArgumentException e) {
            throw new UncheckedIOException(StreamedRecordErrors.of(stream, e, firstInBatch));
        }
    }

    /** The first-version {@code TFRecordDataset} over {@code files}, in order. */
    private static Operation records(Ops tf, List<Path> files) {
        String[] names = files.stream().map(Path::toString).toArray(String[]::new);
        Operand<TString> fileNames = tf.constant(Shape.of(names.length), DataBuffers.ofObjects(names));
        return tf.scope().opBuilder("TFRecordDataset", "records").addInput(fileNames.asOutput())
                .addInput(tf.constant("").asOutput()).addInput(tf.constant(READ_BUFFER_BYTES).asOutput()).build();
    }

    /**
     * {@code records} batched, parsed into the dense feature and label (both required: an empty default makes a
     * record without them an error), prefetched, with the pipeline's options.
     */
    private Operand<? extends TType> parsedBatches(Ops tf, Operand<? extends TType> records, TfExampleSchema schema,
                                                   List<Class<? extends TType>> types, List<Shape> shapes) {
        Operand<? extends TType> batches = tf.data.batchDataset(records, tf.constant((long) batchSize),
                tf.constant(false), List.of(TString.class), List.of(Shape.of(-1)));
        List<Operand<?>> required = List.of(empty(tf, types.get(0)), empty(tf, types.get(1)));
        Operand<? extends TType> parsed = tf.data.parseExampleDataset(batches, tf.constant((long) DATA_THREADS),
                required, List.of(), List.of(schema.featureKey(), schema.labelKey()), List.of(),
                List.of(shapes.get(0).tail(), shapes.get(1).tail()), types, shapes, List.of(), List.of(),
                ParseExampleDataset.deterministic("true"));
        Operand<? extends TType> prefetched = tf.data.prefetchDataset(parsed, tf.constant(PREFETCH_BATCHES), types,
                shapes);
        // Built by name: TF Java's OptionsDataset takes the serialized options as a String, which is binary here.
        return tf.scope().opBuilder("OptionsDataset", "options").addInput(prefetched.asOutput())
                .setAttr("serialized_options", PIPELINE_OPTIONS.toByteArray())
                .setAttr("output_types", types.stream().map(TfRecordBatches::dataType).toArray(DataType[]::new))
                .setAttr("output_shapes", shapes.toArray(Shape[]::new)).build().output(0);
    }

    private static DataType dataType(Class<? extends TType> type) {
        return type == TFloat32.class ? DataType.DT_FLOAT : type == TString.class ? DataType.DT_STRING
                : DataType.DT_INT64;
    }

    private static Operand<?> empty(Ops tf, Class<? extends TType> type) {
        if (type == TString.class) {
            return tf.constant(Shape.of(0), DataBuffers.ofObjects(String.class, 0));
        }
        return type == TFloat32.class ? tf.constant(Shape.of(0), DataBuffers.ofFloats(0))
                : tf.constant(Shape.of(0), DataBuffers.ofLongs(0));
    }

    /**
     * A batch of raw values [n] (strings of unsigned 8-bit values) as floats [n, size]: {@code DecodeRaw}, which fails
     * unless every string of the batch has the length of the first, then {@code EnsureShape} [?, size], which fails
     * unless that length is {@code size}, then a cast (as {@link ImageDecoding#raw} for one record). Two ops where an
     * assertion on the lengths took eight: {@link StreamedRecordErrors} reads the record and its length from their messages.
     */
    private static Operand<TFloat32> decodeRaw(Ops tf, Operand<TString> values, int size) {
        Operand<TUint8> bytes = tf.io.decodeRaw(values, TUint8.class, DecodeRaw.littleEndian(true));
        return tf.dtypes.cast(tf.ensureShape(bytes, Shape.of(-1, size)), TFloat32.class);
    }

    @SuppressWarnings("unchecked")
    private static Operand<TFloat32> toFloat(Ops tf, Operand<?> values) {
        if (values.type() == TFloat32.class) {
            return (Operand<TFloat32>) values;
        }
        return tf.dtypes.cast((Operand<? extends TNumber>) values, TFloat32.class);
    }
}
