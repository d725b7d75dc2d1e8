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
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;
import org.tensorflow.types.family.TNumber;
import org.tensorflow.types.family.TType;

/**
 * The minibatches of a {@link TfRecordStream}, read by TensorFlow's data ops in a graph and session of their own.
 * Records are handled in blocks of {@link TfRecordStream#shuffleBuffer()} (at least one batch): the TF data
 * performance guide's vectorized mapping, so that no op of the pipeline runs once per record but the reader's.
 * {@code TFRecordDataset} (all files, in order) → {@code BatchDataset} (blocks of serialized examples) →
 * {@code ParseExampleDatasetV2} (a block into dense [n, values] features, or [n] strings of raw 8-bit values, and
 * [n, width] labels, on TF's threads) → optionally {@code CacheDataset} (the parsed blocks written to a file on the
 * first pass and read back on the later ones: {@link TfRecordStream#cachedIn}) → {@code PrefetchDataset} (TF reads
 * and parses the next block while the model trains on this one) → {@code OptionsDataset} (no autotuning, a small
 * private thread pool) → iterator.
 *
 * <p>A block is one session run; its tensors stay in TF's memory. A minibatch is one more session run that is fed
 * the block's tensors (TF takes them without a copy) and the minibatch's rows in it (the rows of two blocks when the
 * minibatch straddles them): {@code Gather}, then (raw values) {@code DecodeRaw} to uint8 with their length
 * checked, reshaped to the example shape, cast to float and preprocessed by TF ops ({@link PreprocessingOps}); its
 * tensors are the run's results, closed when the consumer returns. A shuffled pass permutes each block whole with
 * Java's seeded generator, blocks in file order: each minibatch draws from a window of a block's size, as from TF's
 * shuffle buffer of that size, without a per-record shuffle op (which cost a fifth of the pipeline's CPU time).
 * The minibatch runs happen on a thread of their own, a batch ahead of training ({@link BatchPrefetch}). Nothing is
 * copied through Java arrays and nothing outlives a pass but TF's buffers (at most three blocks). Resident
 * memory is bounded but not flat from the start: over 15 passes of 60,000 raw records it rose by 125–166 MB during
 * the first seven and then stayed, with glibc's default malloc arenas (the earlier per-record pipeline: within 10
 * MB); with {@code MALLOC_ARENA_MAX=2} in the environment, which {@code bin/tf-lc} sets, it stayed within 33 MB, 19
 * MB with the prefetch thread ({@code bench stream --passes 15}, README).
 *
 * <p>The dataset op is the first version, built by name where TF Java 1.0 makes a later one: the
 * {@code TFRecordDatasetV2} kernel cannot be re-serialized when an iterator is made over it (see
 * {@link TfRecordGraph}). When the session first runs, TF may log a warning "Type inference failed … while inferring
 * type of node 'BatchDataset'"; the batches are right regardless (the tests compare every value with the IDX files).
 */
final class TfRecordBatches implements BatchSource {
    /** Bytes TF reads from a file at a time. */
    private static final long READ_BUFFER_BYTES = 1 << 20;
    /** Blocks parsed ahead of the one training. */
    private static final long PREFETCH_BLOCKS = 1;
    /** The threads of the pipeline's own pool. */
    private static final int DATA_THREADS = 2;
    /**
     * The pipeline's options: TF's autotuning off (it runs a model of the pipeline on threads of its own and raises
     * parallelism to the cores; on 2 cores, streamed L-step epochs took 1.7 times as long with it as without), a
     * private pool of {@link #DATA_THREADS} threads, ops inside it single-threaded. What the pipeline costs is then
     * the CPU time of reading and parsing, which training on busy cores cannot hide.
     */
    private static final DatasetOptions.Options PIPELINE_OPTIONS = DatasetOptions.Options.newBuilder()
            .setAutotuneOptions(DatasetOptions.AutotuneOptions.newBuilder().setEnabled(false))
            .setThreadingOptions(DatasetOptions.ThreadingOptions.newBuilder().setPrivateThreadpoolSize(DATA_THREADS)
                    .setMaxIntraOpParallelism(1)).build();

    /**
     * The session's ops run on the thread that calls it ({@link BatchPrefetch}'s), not handed to TF's inter-op pool
     * and waited for: a minibatch's few small ops cost less than the hand-offs. Grappler's constant folding is off:
     * it would turn a division by the constant std into a multiplication by its reciprocal, which differs from
     * {@link Preprocessing} in the last bit; this graph has nothing else to fold.
     */
    private static final ConfigProto SESSION_CONFIG = ConfigProto.newBuilder()
            .setInterOpParallelismThreads(-1)
            .setGraphOptions(GraphOptions.newBuilder().setRewriteOptions(
                    RewriterConfig.newBuilder().setConstantFolding(RewriterConfig.Toggle.OFF)))
            .build();

    private final TfRecordStream stream;
    private final int batchSize;
    private final int blockSize;
    private final Graph graph;
    private final Session session;
    private final MakeIterator start;
    private final Output<?> blockFeatures;
    private final Output<?> blockLabels;
    /** A minibatch's rows: {@code rowsA} of block A, then {@code rowsB} of block B (often A again, no rows). */
    private final Placeholder<?> featuresA;
    private final Placeholder<?> labelsA;
    private final Placeholder<TInt32> rowsA;
    private final Placeholder<?> featuresB;
    private final Placeholder<?> labelsB;
    private final Placeholder<TInt32> rowsB;
    private final Operand<TFloat32> features;
    private final Operand<TFloat32> targets;

    TfRecordBatches(TfRecordStream stream, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be ≥ 1, got " + batchSize);
        }
        this.stream = stream;
        this.batchSize = Math.min(batchSize, stream.size());
        // A minibatch then straddles at most two blocks.
        this.blockSize = Math.min(Math.max(stream.shuffleBuffer(), this.batchSize), stream.size());
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
            Iterator iterator = tf.data.iterator("", "", types, shapes);
            start = tf.withName("start").data.makeIterator(parsedBlocks(tf, records.output(0), schema, types, shapes),
                    iterator);
            List<Output<?>> next = tf.data.iteratorGetNext(iterator, types, shapes).components();
            blockFeatures = next.get(0);
            blockLabels = next.get(1);

            featuresA = tf.withName("features_a").placeholder(featureType, Placeholder.shape(shapes.get(0)));
            labelsA = tf.withName("labels_a").placeholder(labelType, Placeholder.shape(shapes.get(1)));
            rowsA = tf.withName("rows_a").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
            featuresB = tf.withName("features_b").placeholder(featureType, Placeholder.shape(shapes.get(0)));
            labelsB = tf.withName("labels_b").placeholder(labelType, Placeholder.shape(shapes.get(1)));
            rowsB = tf.withName("rows_b").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
            Operand<? extends TType> rows = rows(tf, featuresA, rowsA, featuresB, rowsB);
            @SuppressWarnings("unchecked")
            Operand<TFloat32> x = raw ? decodeRaw(tf, (Operand<TString>) rows, exampleSize) : toFloat(tf, rows);
            if (exampleShape.length != 1) {
                long[] dims = new long[exampleShape.length + 1];
                dims[0] = -1;
                for (int d = 0; d < exampleShape.length; d++) {
                    dims[d + 1] = exampleShape[d];
                }
                x = tf.reshape(x, tf.constant(dims));
            }
            features = PreprocessingOps.apply(tf, x, exampleShape, stream.preprocess());
            targets = toFloat(tf, rows(tf, labelsA, rowsA, labelsB, rowsB));
            session = new Session(graph, SESSION_CONFIG);
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

    /** A pass through the blocks, each permuted by {@code random}. */
    @Override
    public void shuffled(SplittableRandom random, Minibatches.BatchConsumer consumer) {
        pass(random, consumer);
    }

    @Override
    public void inOrder(Minibatches.BatchConsumer consumer) {
        pass(null, consumer);
    }

    @Override
    public void close() {
        session.close();
        graph.close();
    }

    /** A parsed block held in TF's memory, and the order its rows are taken in. */
    private record Block(Result tensors, long first, int[] order) implements AutoCloseable {
        int size() {
            return order.length;
        }

        @Override
        public void close() {
            tensors.close();
        }
    }

    /**
     * Starts a pass and hands {@link #count()} batches to {@code consumer}, in file order ({@code random} null) or
     * with each block permuted; TF's errors while reading (a corrupt record, a record of another length) come out as
     * {@link InvalidDataException}s in an {@link UncheckedIOException}, naming the file and record where they can be
     * found ({@link StreamedRecordErrors}).
     */
    private void pass(SplittableRandom random, Minibatches.BatchConsumer consumer) {
        BatchPrefetch.<MadeBatch>run("tf-lc streamed minibatches", sink -> produce(random, sink),
                made -> consumer.accept(new Minibatches.Batch((TFloat32) made.tensors().get(0),
                        (TFloat32) made.tensors().get(1), made.size())));
    }

    /** A minibatch's features and targets, of {@code size} rows. */
    private record MadeBatch(Result tensors, int size) implements AutoCloseable {
        @Override
        public void close() {
            tensors.close();
        }
    }

    /** The pass itself, on {@link BatchPrefetch}'s thread: each minibatch goes to {@code sink}, which owns it then. */
    private void produce(SplittableRandom random, java.util.function.Consumer<MadeBatch> sink) {
        try (Result started = run(session.runner().addTarget(start), 0, -1)) {
            // nothing fetched: making the iterator is all
        }
        boolean inOrder = random == null;
        int count = count();
        Block current = null;
        // The next block, while a batch spans it and the current one: closed by the finally if that batch fails.
        Block following = null;
        try {
            current = nextBlock(0, random);
            int at = 0;
            for (int b = 0; b < count; b++) {
                int size = b < count - 1 ? batchSize : size() - b * batchSize;
                if (at == current.size()) {
                    long first = current.first() + current.size();
                    current.close();
                    current = null;
                    current = nextBlock(first, random);
                    at = 0;
                }
                int fromA = Math.min(size, current.size() - at);
                following = fromA < size ? nextBlock(current.first() + current.size(), random) : null;
                Block b2 = following != null ? following : current;
                Result batch;
                try (TInt32 a = TInt32.vectorOf(java.util.Arrays.copyOfRange(current.order(), at, at + fromA));
                     TInt32 c = TInt32.vectorOf(java.util.Arrays.copyOfRange(b2.order(), 0, size - fromA))) {
                    batch = run(session.runner()
                            .feed(featuresA, current.tensors().get(0)).feed(labelsA, current.tensors().get(1))
                            .feed(rowsA, a)
                            .feed(featuresB, b2.tensors().get(0)).feed(labelsB, b2.tensors().get(1))
                            .feed(rowsB, c)
                            .fetch(features).fetch(targets), b, inOrder ? (long) b * batchSize : -1);
                }
                sink.accept(new MadeBatch(batch, size));
                if (following != null) {
                    current.close();
                    current = following;
                    following = null;
                    at = size - fromA;
                } else {
                    at += fromA;
                }
            }
            long first = current.first() + current.size();
            current.close();
            current = null;
            // The end of the data must be read: a cache is complete (and kept) only then.
            try (Result extra = session.runner().fetch(blockFeatures).run()) {
                throw new UncheckedIOException(new InvalidDataException(stream.describe() + " holds more than the "
                        + first + " examples counted when it was opened: the files have changed since"));
            } catch (TFOutOfRangeException e) {
                // the end, as expected
            }
        } finally {
            if (following != null) {
                following.close();
            }
            if (current != null) {
                current.close();
            }
        }
    }

    /** The next block of the pass; {@code first}: the number of its first record in the pass. */
    private Block nextBlock(long first, SplittableRandom random) {
        int expected = (int) Math.min(blockSize, size() - first);
        Result tensors = run(session.runner().fetch(blockFeatures).fetch(blockLabels), (int) (first / batchSize),
                random == null ? first : -1);
        int size = (int) tensors.get(1).shape().get(0);
        if (size != expected) {
            tensors.close();
            throw new UncheckedIOException(new InvalidDataException(stream.describe() + ": the block of records from "
                    + (first + 1) + " holds " + size + " examples, " + expected + " expected: the files have changed "
                    + "since they were opened"));
        }
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        if (random != null) {
            for (int i = size - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return new Block(tensors, first, order);
    }

    /**
     * Runs {@code runner} with TF's errors turned into data errors; {@code batch} is the number of batches read,
     * {@code firstInBatch} the number of the first record of the batch or block in a pass in file order (−1
     * otherwise).
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

    /** Rows {@code rowsA} of {@code a}, then rows {@code rowsB} of {@code b}. */
    private static Operand<? extends TType> rows(Ops tf, Operand<?> a, Operand<TInt32> rowsA, Operand<?> b,
                                                 Operand<TInt32> rowsB) {
        @SuppressWarnings("unchecked")
        Operand<TType> first = (Operand<TType>) a;
        @SuppressWarnings("unchecked")
        Operand<TType> second = (Operand<TType>) b;
        return tf.concat(List.of(tf.gather(first, rowsA, tf.constant(0)), tf.gather(second, rowsB, tf.constant(0))),
                tf.constant(0));
    }

    /** The first-version {@code TFRecordDataset} over {@code files}, in order. */
    private static Operation records(Ops tf, List<Path> files) {
        String[] names = files.stream().map(Path::toString).toArray(String[]::new);
        Operand<TString> fileNames = tf.constant(Shape.of(names.length), DataBuffers.ofObjects(names));
        return tf.scope().opBuilder("TFRecordDataset", "records").addInput(fileNames.asOutput())
                .addInput(tf.constant("").asOutput()).addInput(tf.constant(READ_BUFFER_BYTES).asOutput()).build();
    }

    /**
     * {@code records} in blocks, parsed into the dense feature and label (both required: an empty default makes a
     * record without them an error), cached when the stream says so, prefetched, with the pipeline's options.
     */
    private Operand<? extends TType> parsedBlocks(Ops tf, Operand<? extends TType> records, TfExampleSchema schema,
                                                  List<Class<? extends TType>> types, List<Shape> shapes) {
        Operand<? extends TType> blocks = tf.data.batchDataset(records, tf.constant((long) blockSize),
                tf.constant(false), List.of(TString.class), List.of(Shape.of(-1)));
        List<Operand<?>> required = List.of(empty(tf, types.get(0)), empty(tf, types.get(1)));
        Operand<? extends TType> parsed = tf.data.parseExampleDataset(blocks, tf.constant(1L),
                required, List.of(), List.of(schema.featureKey(), schema.labelKey()), List.of(),
                List.of(shapes.get(0).tail(), shapes.get(1).tail()), types, shapes, List.of(), List.of(),
                ParseExampleDataset.deterministic("true"));
        DataType[] dataTypes = types.stream().map(TfRecordBatches::dataType).toArray(DataType[]::new);
        if (stream.cache() != null) {
            // One file per block size, which every batch size of the stream shares (blocks hold whole batches).
            parsed = tf.scope().opBuilder("CacheDataset", "cache").addInput(parsed.asOutput())
                    .addInput(tf.constant(stream.cache().resolve("blocks-of-" + blockSize).toString()).asOutput())
                    .setAttr("output_types", dataTypes).setAttr("output_shapes", shapes.toArray(Shape[]::new))
                    .build().output(0);
        }
        Operand<? extends TType> prefetched = tf.data.prefetchDataset(parsed, tf.constant(PREFETCH_BLOCKS), types,
                shapes);
        // Built by name: TF Java's OptionsDataset takes the serialized options as a String, which is binary here.
        return tf.scope().opBuilder("OptionsDataset", "options").addInput(prefetched.asOutput())
                .setAttr("serialized_options", PIPELINE_OPTIONS.toByteArray())
                .setAttr("output_types", dataTypes).setAttr("output_shapes", shapes.toArray(Shape[]::new))
                .build().output(0);
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
