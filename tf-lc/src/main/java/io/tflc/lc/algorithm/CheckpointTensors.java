package io.tflc.lc.algorithm;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.tflc.compressors.Matrix;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The {@code .npy} files of one checkpoint, in one folder, and the manifest's reference to each: {@code {"npy":
 * "t12.npy", "dtype": "float32", "shape": [300], "crc32": 123}}. The manifest keeps the shape and a CRC-32 of the
 * file because ND4J 1.0.0-M2.1 reads a truncated file padded with whatever memory holds and an empty array as a
 * one-element array of garbage (both seen on this machine): a damaged file must be caught here, not resumed. An empty
 * array has no file.
 */
final class CheckpointTensors {

    /** Opens a file for writing: {@link Files#newOutputStream} but for tests that simulate a full disk. */
    interface Opener {
        OutputStream open(Path file) throws IOException;
    }

    private final Path folder;
    private final Opener opener;
    private int written;

    CheckpointTensors(Path folder, Opener opener) {
        this.folder = folder;
        this.opener = opener;
    }

    /**
     * What each array already written is referred to by: the best step's Θ is usually the current step's (the same
     * objects), and the same array is then one file, not two or three.
     */
    private final Map<Object, JsonObject> refs = new IdentityHashMap<>();

    /** Writes an array's file. */
    private interface ArrayWriter {
        JsonObject write() throws IOException;
    }

    /** The reference to {@code array}: its earlier one when this checkpoint already wrote it, else {@code writer}'s. */
    private JsonObject once(Object array, ArrayWriter writer) throws IOException {
        JsonObject ref = refs.get(array);
        if (ref == null) {
            ref = writer.write();
            refs.put(array, ref);
        }
        return ref.deepCopy();
    }

    /** The folder's name, as the manifest refers to it. */
    String name() {
        return folder.getFileName().toString();
    }

    JsonObject write(float[] values, String what) throws IOException {
        return once(values, () -> written(values, what));
    }

    private JsonObject written(float[] values, String what) throws IOException {
        if (values.length == 0) {
            return empty("float32", values.length);
        }
        try (INDArray array = Nd4j.createFromArray(values)) {
            return write(array, "float32", new long[] {values.length}, what);
        }
    }

    JsonObject write(double[] values, String what) throws IOException {
        return once(values, () -> written(values, what));
    }

    private JsonObject written(double[] values, String what) throws IOException {
        if (values.length == 0) {
            return empty("float64", values.length);
        }
        try (INDArray array = Nd4j.createFromArray(values)) {
            return write(array, "float64", new long[] {values.length}, what);
        }
    }

    JsonObject write(int[] values, String what) throws IOException {
        return once(values, () -> written(values, what));
    }

    private JsonObject written(int[] values, String what) throws IOException {
        if (values.length == 0) {
            return empty("int32", values.length);
        }
        try (INDArray array = Nd4j.createFromArray(values)) {
            return write(array, "int32", new long[] {values.length}, what);
        }
    }

    JsonObject write(Matrix matrix, String what) throws IOException {
        return once(matrix, () -> written(matrix, what));
    }

    private JsonObject written(Matrix matrix, String what) throws IOException {
        long[] shape = {matrix.rows(), matrix.cols()};
        if (matrix.size() == 0) {
            JsonObject ref = empty("float64", 0);
            ref.add("shape", shapeJson(shape));
            return ref;
        }
        try (INDArray array = Nd4j.create(matrix.toArray(), shape, DataType.DOUBLE)) {
            return write(array, "float64", shape, what);
        }
    }

    float[] readFloats(JsonElement ref, String what) throws IOException {
        try (INDArray array = read(ref, "float32", 1, what)) {
            return array == null ? new float[0] : array.data().asFloat();
        }
    }

    double[] readDoubles(JsonElement ref, String what) throws IOException {
        try (INDArray array = read(ref, "float64", 1, what)) {
            return array == null ? new double[0] : array.data().asDouble();
        }
    }

    int[] readInts(JsonElement ref, String what) throws IOException {
        try (INDArray array = read(ref, "int32", 1, what)) {
            return array == null ? new int[0] : array.data().asInt();
        }
    }

    Matrix readMatrix(JsonElement ref, String what) throws IOException {
        long[] shape = shapeOf(ref.getAsJsonObject(), 2, what);
        try (INDArray array = read(ref, "float64", 2, what)) {
            return Matrix.of((int) shape[0], (int) shape[1], array == null ? new double[0] : array.data().asDouble());
        }
    }

    private JsonObject write(INDArray array, String dtype, long[] shape, String what) throws IOException {
        byte[] bytes = Nd4j.toNpyByteArray(array);
        String name = "t" + written++ + ".npy";
        Path file = folder.resolve(name);
        try {
            try (OutputStream out = opener.open(file)) {
                out.write(bytes);
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
        } catch (IOException e) {
            throw new IOException("could not write " + what + " (" + file + "): " + e.getMessage(), e);
        }
        CRC32 crc = new CRC32();
        crc.update(bytes);
        JsonObject ref = new JsonObject();
        ref.addProperty("npy", name);
        ref.addProperty("dtype", dtype);
        ref.add("shape", shapeJson(shape));
        ref.addProperty("crc32", crc.getValue());
        return ref;
    }

    /** The array a reference names, checked against its CRC, type and shape; null for an empty one. */
    private INDArray read(JsonElement element, String dtype, int rank, String what) throws IOException {
        if (element == null || !element.isJsonObject()) {
            throw new DamagedCheckpointException("the manifest has no tensor reference for " + what);
        }
        JsonObject ref = element.getAsJsonObject();
        long[] shape = shapeOf(ref, rank, what);
        String type = ref.has("dtype") ? ref.get("dtype").getAsString() : "";
        if (!type.equals(dtype)) {
            throw new DamagedCheckpointException(what + " is '" + type + "' in the manifest, where " + dtype
                    + " belongs");
        }
        if (Arrays.stream(shape).reduce(1, Math::multiplyExact) == 0) {
            return null;
        }
        if (!ref.has("npy") || !ref.has("crc32")) {
            throw new DamagedCheckpointException("the manifest's reference to " + what + " lacks its file or CRC");
        }
        Path file = folder.resolve(ref.get("npy").getAsString());
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DamagedCheckpointException(file + " (" + what + ") is missing");
        }
        CRC32 crc = new CRC32();
        crc.update(bytes);
        if (crc.getValue() != ref.get("crc32").getAsLong()) {
            throw new DamagedCheckpointException(file + " (" + what + ") does not match its CRC-32 in the manifest "
                    + "(truncated or overwritten)");
        }
        INDArray array = Nd4j.createNpyFromByteArray(bytes);
        if (!Arrays.equals(array.shape(), shape) || !dtype.equals(typeName(array.dataType()))) {
            long[] found = array.shape();
            DataType foundType = array.dataType();
            array.close();
            throw new DamagedCheckpointException(file + " (" + what + ") holds " + foundType + " "
                    + Arrays.toString(found) + ", the manifest says " + dtype + " " + Arrays.toString(shape));
        }
        // The array may view the bytes read; a copy in C order owns its values.
        try (array) {
            return array.dup('c');
        }
    }

    private static String typeName(DataType type) {
        return switch (type) {
            case FLOAT -> "float32";
            case DOUBLE -> "float64";
            case INT -> "int32";
            default -> type.toString();
        };
    }

    private static long[] shapeOf(JsonObject ref, int rank, String what) throws DamagedCheckpointException {
        if (!ref.has("shape") || !ref.get("shape").isJsonArray() || ref.getAsJsonArray("shape").size() != rank) {
            throw new DamagedCheckpointException("the manifest gives " + what + " no shape of rank " + rank);
        }
        long[] shape = new long[rank];
        for (int i = 0; i < rank; i++) {
            shape[i] = ref.getAsJsonArray("shape").get(i).getAsLong();
            if (shape[i] < 0 || shape[i] > Integer.MAX_VALUE) {
                throw new DamagedCheckpointException("the manifest gives " + what + " the shape " + ref.get("shape"));
            }
        }
        return shape;
    }

    private static JsonObject empty(String dtype, int length) {
        JsonObject ref = new JsonObject();
        ref.addProperty("dtype", dtype);
        ref.add("shape", shapeJson(new long[] {length}));
        return ref;
    }

    private static JsonArray shapeJson(long[] shape) {
        JsonArray array = new JsonArray();
        for (long s : shape) {
            array.add(s);
        }
        return array;
    }
}
