package io.tflc.lc.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * NumPy arrays: {@code npy:DIR} with {@code DIR/x.npy} (features, first dimension = examples) and {@code DIR/y.npy}
 * (labels: one per example, or a row of targets per example), or {@code npy:FEATURES.npy,LABELS.npy}. Features may be
 * float32, float64, uint8, int32 or int64; they become floats, then are preprocessed. Labels become targets: a 1-D
 * array gives width 1, a 2-D one its second dimension.
 *
 * <p>ND4J reads the arrays (tf-lc parses no NumPy format itself), after {@link NpyHeader} has refused what ND4J would
 * misread (Fortran order, big-endian types) and before the file's length is checked against the array ND4J found
 * (ND4J pads a truncated file silently). ND4J arrays hold native memory the Java GC does not see, so every one is
 * closed as soon as its values are copied out.
 */
public final class NpySource implements DataSource {
    private final Path features;
    private final Path labels;
    private final DataSpec spec;
    private final String text;

    /** {@code npy:FEATURES.npy,LABELS.npy}. */
    public NpySource(Path features, Path labels, DataSpec spec) {
        this(features, labels, spec, "npy:" + features + "," + labels);
    }

    private NpySource(Path features, Path labels, DataSpec spec, String text) {
        this.features = features;
        this.labels = labels;
        this.spec = spec;
        this.text = text;
    }

    /** {@code npy:DIR}: {@code DIR/x.npy} and {@code DIR/y.npy}. */
    public static NpySource inFolder(Path dir, DataSpec spec) {
        return new NpySource(dir.resolve("x.npy"), dir.resolve("y.npy"), spec, "npy:" + dir);
    }

    @Override
    public Dataset load(int[] exampleShape) throws IOException {
        Examples.refuseResize(this, spec);
        Loaded x = read(features);
        Loaded y = read(labels);
        long count = x.shape[0];
        if (y.shape.length < 1 || y.shape.length > 2 || (y.shape.length == 2 && y.shape[1] < 1)) {
            throw new InvalidDataException(describe() + ": " + labels + " has shape " + Arrays.toString(y.shape)
                    + "; labels are one value per example (1-D) or a row of targets per example (2-D)");
        }
        if (y.shape[0] != count) {
            throw new InvalidDataException(describe() + ": " + features + " holds " + count + " examples but "
                    + labels + " holds " + y.shape[0] + " labels");
        }
        ExampleShapes.check(Arrays.copyOfRange(x.shape, 1, x.shape.length), exampleShape,
                describe() + ": " + features);
        int width = y.shape.length == 1 ? 1 : (int) y.shape[1];
        return Examples.dataset(this, x.values, y.values, width, exampleShape, spec);
    }

    @Override
    public String describe() {
        return text;
    }

    /** The values of one file as floats, with its shape. */
    private record Loaded(long[] shape, float[] values) {
    }

    private Loaded read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DataUnavailableException(describe() + ": no such file " + file);
        }
        NpyHeader header = NpyHeader.read(file, describe());
        header.requireReadable(file, describe());
        if (Files.size(file) == header.dataOffset()) {
            // ND4J reads an empty 1-D array, shape (0,), as a scalar: catch every empty array before it does.
            throw new InvalidDataException(describe() + " holds no examples (" + file + " is an empty array)");
        }
        INDArray array;
        try {
            array = Nd4j.createFromNpyFile(file.toFile());
        } catch (RuntimeException e) {
            throw new InvalidDataException(describe() + ": ND4J cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            long needed = header.dataOffset() + array.length() * array.dataType().width();
            if (Files.size(file) < needed) {
                throw new InvalidDataException(describe() + ": " + file + " is truncated: its header announces "
                        + Arrays.toString(array.shape()) + " " + NpyHeader.TYPES.get(header.type()) + " values ("
                        + needed + " bytes), the file has " + Files.size(file));
            }
            long[] shape = array.shape();
            if (shape.length < 1) {
                throw new InvalidDataException(describe() + ": " + file + " holds a scalar; its first dimension "
                        + "must count the examples");
            }
            if (array.length() > Integer.MAX_VALUE - 8) {
                throw new InvalidDataException(describe() + ": " + file + " holds " + array.length() + " values: "
                        + "more than one Java array holds; stream TFRecords of float lists or raw bytes instead (data.stream)");
            }
            return new Loaded(shape, floats(array));
        } finally {
            close(array);
        }
    }

    /** The values in row-major order as floats, through copies that are closed here. */
    private static float[] floats(INDArray array) {
        INDArray asFloat = array.dataType() == DataType.FLOAT ? array : array.castTo(DataType.FLOAT);
        try {
            INDArray rowMajor = asFloat.dup('c');
            try {
                return rowMajor.data().asFloat();
            } finally {
                close(rowMajor);
            }
        } finally {
            if (asFloat != array) {
                close(asFloat);
            }
        }
    }

    private static void close(INDArray array) {
        if (array.closeable()) {
            array.close();
        }
    }
}
