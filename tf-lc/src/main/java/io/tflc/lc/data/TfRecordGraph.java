package io.tflc.lc.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.data.Iterator;
import org.tensorflow.op.data.MakeIterator;
import org.tensorflow.op.io.ParseSingleExample;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TNumber;
import org.tensorflow.types.family.TType;

/**
 * The TF ops that read a TFRecord file of {@code tf.Example}s, in one graph: {@code TFRecordDataset} → iterator →
 * {@code ParseSingleExample} → (for images and raw 8-bit values) {@link ImageDecoding} → float features and label.
 * TF checks every record's data checksum and parses the protobuf; Java only fetches one parsed example per run,
 * which lets {@link TfRecordSource} check every record's shape and label width by itself. Training that streams its
 * batches reads through {@link TfRecordBatches} instead.
 *
 * <p>The dataset op is the first version, {@code TFRecordDataset}, built by name: TF Java 1.0's
 * {@code tf.data.tfRecordDataset} makes {@code TFRecordDatasetV2}, whose kernel in TF 2.16 cannot be re-serialized
 * ("3 inputs specified of 4") when an iterator is made over it, whatever its byte offsets.
 */
final class TfRecordGraph implements AutoCloseable {

    /** One parsed example: the features' shape ([height, width, channels] or [values]), values and label. */
    record Parsed(long[] shape, float[] features, float[] label) {
    }

    private static final long BUFFER_BYTES = 256 * 1024;

    private final Graph graph;
    private final Session session;
    private final Placeholder<TString> file;
    private final MakeIterator start;
    private final Operand<TFloat32> features;
    private final Operand<TFloat32> label;

    /** The graph for records of {@code schema}; images resized to {@code resize} = [height, width] if not null. */
    TfRecordGraph(TfExampleSchema schema, int[] resize) {
        graph = new Graph();
        try {
            Ops tf = Ops.create(graph);
            file = tf.placeholder(TString.class);
            Operation dataset = tf.scope().opBuilder("TFRecordDataset", "records").addInput(file.asOutput())
                    .addInput(tf.constant("").asOutput()).addInput(tf.constant(BUFFER_BYTES).asOutput()).build();
            List<Class<? extends TType>> types = List.of(TString.class);
            List<Shape> shapes = List.of(Shape.scalar());
            Iterator iterator = tf.data.iterator("", "", types, shapes);
            start = tf.data.makeIterator(dataset.output(0), iterator);
            @SuppressWarnings("unchecked")
            Operand<TString> record = (Operand<TString>) tf.data.iteratorGetNext(iterator, types, shapes)
                    .components().get(0);
            // Images and raw values are one bytes value each.
            boolean image = schema.decode() == TfExampleSchema.Decode.IMAGE
                    || schema.decode() == TfExampleSchema.Decode.RAW;
            List<String> sparseKeys = new ArrayList<>();
            List<Class<? extends TType>> sparseTypes = new ArrayList<>();
            if (!image) {
                sparseKeys.add(schema.featureKey());
                sparseTypes.add(schema.decode() == TfExampleSchema.Decode.FLOAT ? TFloat32.class : TInt64.class);
            }
            sparseKeys.add(schema.labelKey());
            sparseTypes.add(schema.labelInt64() ? TInt64.class : TFloat32.class);
            // An image is one bytes value: a dense scalar, required because its default is empty. Vectors and labels
            // are sparse (variable length), so that Java sees how many values each record really holds.
            List<Operand<?>> required = List.of(tf.constant(Shape.of(0), DataBuffers.ofObjects(String.class, 0)));
            ParseSingleExample parsed = tf.io.parseSingleExample(record, image ? required : List.of(),
                    (long) sparseKeys.size(), sparseKeys, image ? List.of(schema.featureKey()) : List.of(),
                    sparseTypes, image ? List.of(Shape.scalar()) : List.of());
            if (image) {
                @SuppressWarnings("unchecked")
                Operand<TString> encoded = (Operand<TString>) parsed.denseValues().get(0);
                features = schema.decode() == TfExampleSchema.Decode.RAW ? ImageDecoding.raw(tf, encoded)
                        : ImageDecoding.decode(tf, encoded, resize);
            } else {
                features = tf.dtypes.cast(number(parsed.sparseValues().get(0)), TFloat32.class);
            }
            label = tf.dtypes.cast(number(parsed.sparseValues().get(sparseKeys.size() - 1)), TFloat32.class);
            session = new Session(graph);
        } catch (RuntimeException e) {
            graph.close();
            throw e;
        }
    }

    /** Starts reading {@code path} from its first record. */
    void open(Path path) {
        try (TString name = TString.scalarOf(path.toString())) {
            session.runner().feed(file, name).addTarget(start).run().close();
        }
    }

    /**
     * The next example of the open file. TF's errors (a checksum that does not match, data cut short, an image that
     * does not decode) come as {@code TensorFlowException}s or {@code IllegalArgumentException}s.
     */
    Parsed next() {
        try (Result result = session.runner().fetch(features).fetch(label).run()) {
            TFloat32 x = (TFloat32) result.get(0);
            TFloat32 y = (TFloat32) result.get(1);
            return new Parsed(x.shape().asArray(), values(x), values(y));
        }
    }

    @Override
    public void close() {
        session.close();
        graph.close();
    }

    @SuppressWarnings("unchecked")
    private static Operand<? extends TNumber> number(Operand<?> operand) {
        return (Operand<? extends TNumber>) operand;
    }

    private static float[] values(TFloat32 tensor) {
        float[] values = new float[(int) tensor.size()];
        tensor.asRawTensor().data().asFloats().read(values);
        return values;
    }
}
