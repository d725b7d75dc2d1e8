package io.tflc.lc.data;

import io.tflc.lc.FashionMnist;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.image.EncodePng;
import org.tensorflow.proto.BytesList;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.FloatList;
import org.tensorflow.proto.Int64List;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * The first Fashion-MNIST test images written in the formats tf-lc reads besides IDX (TFRecord files of
 * {@code tf.Example}s with PNG images, float lists or raw pixel bytes, a PNG folder tree, x.npy/y.npy), so that
 * tests can check every source against the IDX files, value for value. Skips the test when Fashion-MNIST is not installed.
 */
final class FashionMnistFormats {
    static final int SIDE = 28;
    static final int PIXELS = SIDE * SIDE;

    private FashionMnistFormats() {
    }

    /** Raw images (pixels 0..255, row-major) and labels. */
    record Raw(byte[] pixels, int[] labels) {
        int count() {
            return labels.length;
        }

        byte[] image(int i) {
            return Arrays.copyOfRange(pixels, i * PIXELS, (i + 1) * PIXELS);
        }
    }

    /** The first {@code count} test images and labels, straight from the IDX files. */
    static Raw firstTestImages(int count) throws IOException {
        return firstImages(IdxSource.TEST, count);
    }

    /** The first {@code count} images and labels of the {@code prefix} ("train", "t10k") IDX files. */
    static Raw firstImages(String prefix, int count) throws IOException {
        FashionMnist.get(); // skips when absent
        Idx.Tensor images = Idx.read(Datasets.FASHION_MNIST.resolve(prefix + "-images-idx3-ubyte.gz"));
        Idx.Tensor labels = Idx.read(Datasets.FASHION_MNIST.resolve(prefix + "-labels-idx1-ubyte.gz"));
        int[] y = new int[count];
        for (int i = 0; i < count; i++) {
            y[i] = labels.values()[i] & 0xff;
        }
        return new Raw(Arrays.copyOf(images.values(), count * PIXELS), y);
    }

    /** The same images as {@link IdxSource} loads them: t10k, pixels × 1/255. */
    static Dataset idxReference(int count, int[] exampleShape) throws IOException {
        FashionMnist.get();
        return new IdxSource(Datasets.FASHION_MNIST, IdxSource.TEST, scaled()).load(exampleShape).head(count);
    }

    /** No spec but the scale 1/255. */
    static DataSpec scaled() {
        return new DataSpec(null, null, null, null, DataSpec.Preprocess.NONE.withScale(1f / 255));
    }

    /** {@code file}: one tf.Example per image, {@code image} a PNG (bytes), {@code label} an int64. */
    static Path tfrecordOfPngs(Raw raw, int from, int to, Path file) throws IOException {
        List<byte[]> records = new ArrayList<>();
        try (PngEncoder png = new PngEncoder()) {
            for (int i = from; i < to; i++) {
                records.add(example(Feature.newBuilder().setBytesList(BytesList.newBuilder()
                        .addValue(com.google.protobuf.ByteString.copyFrom(png.encode(raw.image(i), SIDE, SIDE, 1)))),
                        raw.labels()[i]));
            }
        }
        return Files.write(file, tfrecord(records));
    }

    /** {@code file}: one tf.Example per image, {@code image} the raw pixels as a float list. */
    static Path tfrecordOfFloats(Raw raw, Path file) throws IOException {
        List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < raw.count(); i++) {
            FloatList.Builder values = FloatList.newBuilder();
            for (byte b : raw.image(i)) {
                values.addValue(b & 0xff);
            }
            records.add(example(Feature.newBuilder().setFloatList(values), raw.labels()[i]));
        }
        return Files.write(file, tfrecord(records));
    }

    /** {@code file}: one tf.Example per image, {@code image} its raw pixels as one bytes value (784 bytes). */
    static Path tfrecordOfRawBytes(Raw raw, Path file) throws IOException {
        List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < raw.count(); i++) {
            records.add(rawExample(raw.image(i), raw.labels()[i]));
        }
        return Files.write(file, tfrecord(records));
    }

    /** A tf.Example of {@code values} as one bytes value and {@code label} an int64. */
    static byte[] rawExample(byte[] values, long label) {
        return example(Feature.newBuilder().setBytesList(BytesList.newBuilder()
                .addValue(com.google.protobuf.ByteString.copyFrom(values))), label);
    }

    static byte[] example(Feature.Builder image, long label) {
        return Example.newBuilder().setFeatures(Features.newBuilder().putFeature("image", image.build())
                .putFeature("label", Feature.newBuilder().setInt64List(Int64List.newBuilder().addValue(label))
                        .build())).build().toByteArray();
    }

    /** TFRecord framing: length, masked CRC-32C of the length, data, masked CRC-32C of the data. */
    static byte[] tfrecord(List<byte[]> records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] data : records) {
            ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            header.putLong(data.length);
            header.putInt(maskedCrc(Arrays.copyOf(header.array(), 8)));
            out.writeBytes(header.array());
            out.writeBytes(data);
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(maskedCrc(data)).array());
        }
        return out.toByteArray();
    }

    private static int maskedCrc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + 0xa282ead8;
    }

    /** {@code dir/<class>/<index as %05d>.png}. */
    static Path pngTree(Raw raw, Path dir) throws IOException {
        try (PngEncoder png = new PngEncoder()) {
            for (int i = 0; i < raw.count(); i++) {
                Path folder = Files.createDirectories(dir.resolve(Integer.toString(raw.labels()[i])));
                Files.write(folder.resolve(String.format("%05d.png", i)), png.encode(raw.image(i), SIDE, SIDE, 1));
            }
        }
        return dir;
    }

    /** {@code dir/x.npy} (uint8 [count, 28, 28]) and {@code dir/y.npy} (int64 [count]). */
    static Path npy(Raw raw, Path dir) throws IOException {
        float[] pixels = new float[raw.pixels().length];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = raw.pixels()[i] & 0xff;
        }
        long[] labels = Arrays.stream(raw.labels()).asLongStream().toArray();
        try (INDArray shaped = Nd4j.create(pixels, new long[] {raw.count(), SIDE, SIDE}, DataType.FLOAT);
             INDArray x = shaped.castTo(DataType.UBYTE);
             INDArray y = Nd4j.createFromArray(labels)) {
            Nd4j.writeAsNumpy(x, dir.resolve("x.npy").toFile());
            Nd4j.writeAsNumpy(y, dir.resolve("y.npy").toFile());
        }
        return dir;
    }

    /** Encodes uint8 images as PNG with TF's EncodePng, one graph for many images. */
    static final class PngEncoder implements AutoCloseable {
        private final Graph graph = new Graph();
        private final Session session = new Session(graph);
        private final Placeholder<TUint8> image;
        private final EncodePng png;

        PngEncoder() {
            Ops tf = Ops.create(graph);
            image = tf.placeholder(TUint8.class);
            png = tf.image.encodePng(image);
        }

        byte[] encode(byte[] pixels, int height, int width, int channels) {
            try (TUint8 t = TUint8.tensorOf(Shape.of(height, width, channels), d -> d.copyFrom(DataBuffers.of(pixels)));
                 Result r = session.runner().feed(image, t).fetch(png).run()) {
                return ((TString) r.get(0)).asBytes().getObject();
            }
        }

        @Override
        public void close() {
            session.close();
            graph.close();
        }
    }
}
