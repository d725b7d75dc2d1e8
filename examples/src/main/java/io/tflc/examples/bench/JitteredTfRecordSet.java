package io.tflc.examples.bench;

import com.google.protobuf.ByteString;
import io.tflc.lc.cli.ProgressBars;
import io.tflc.lc.data.Datasets;
import io.tflc.lc.data.Idx;
import io.tflc.savedmodels.Folders;
import me.tongfei.progressbar.ProgressBar;
import org.tensorflow.proto.BytesList;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.FloatList;
import org.tensorflow.proto.Int64List;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Fashion-MNIST's 60,000 training images as a TFRecord set of at least a given size, for the streaming benchmark:
 * shard k holds repetition k of the training set in its order, each image a {@code tf.Example} of its 784 pixel
 * values ({@code image}: in the {@link Format#RAW raw} format one bytes value of 784 unsigned bytes, in the
 * {@link Format#FLOAT float} format a float list; 0..255 either way: read it with scale 1/255) and its class
 * ({@code label}, int64). The folder's name says the format, so both can sit side by side.
 *
 * <p>Shard 0 is the training set unchanged. Later shards move every image by one pixel (to the eight neighbouring
 * positions in turn, pixels shifted in are 0) and, from shard 9 on, add noise of at most ±2 grey levels (clamped to
 * 0..255), so that the repetitions differ while every example remains an image of its class. The bytes depend only
 * on the number of shards.
 *
 * <p>A set is written once, into a hidden folder that is renamed into place when it is complete; a complete set is
 * reused. Free disk space is checked first.
 */
final class JitteredTfRecordSet {
    static final int IMAGES = 60_000;
    static final int PIXELS = 784;
    private static final int SIDE = 28;
    private static final int NOISE_FROM_SHARD = 9;
    private static final int NOISE_LEVELS = 2;
    private static final long SPARE_BYTES = 1_000_000_000L;
    private static final int[][] SHIFTS = {{-1, -1}, {-1, 0}, {-1, 1}, {0, -1}, {0, 1}, {1, -1}, {1, 0}, {1, 1}};

    /** How the pixels are stored: tf-lc's {@code decode} {@code raw} or {@code float}. */
    enum Format {
        RAW, FLOAT;

        /** The name in folder names and for {@code data.decode}. */
        String decode() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A complete set.
     *
     * @param shards the shard files, in order; shard 0 is the unchanged training set
     * @param bytes their total size
     * @param seconds the time taken to write them (0 when reused)
     */
    record Written(Path dir, List<Path> shards, long bytes, double seconds, boolean reused) {
        /** A glob naming every shard. */
        String glob() {
            return dir.resolve("train-*.tfrecord").toString();
        }
    }

    private JitteredTfRecordSet() {
    }

    /**
     * The set of at least {@code minimumBytes} under {@code root}, written now unless a complete one is there.
     *
     * @throws IOException when Fashion-MNIST cannot be read, or there is less free space than the set plus 1 GB
     */
    static Written ensure(Path root, long minimumBytes, Format format) throws IOException {
        Files.createDirectories(root);
        // Every record has the same size: 784 pixels and a one-byte label.
        long shardBytes = IMAGES * TfRecordWriter.framedSize(example(new int[PIXELS], 0, format).length);
        int shards = (int) Math.max(1, (minimumBytes + shardBytes - 1) / shardBytes);
        String name = String.format(Locale.ROOT, "fashion-mnist-train-%s-x%d", format.decode(), shards);
        Path dir = root.resolve(name);
        if (Files.isDirectory(dir)) {
            return new Written(dir, shardFiles(dir, shards), shards * shardBytes, 0, true);
        }
        long bytes = shards * shardBytes;
        FileStore store = Files.getFileStore(root);
        if (store.getUsableSpace() < bytes + SPARE_BYTES) {
            throw new IOException(String.format(Locale.ROOT, "%s has %.1f GB free; the streaming set needs %.1f GB "
                            + "plus 1 GB to spare: free some space or ask for fewer (--gigabytes)", root,
                    store.getUsableSpace() / 1e9, bytes / 1e9));
        }
        Idx.Tensor images = Idx.read(Datasets.FASHION_MNIST.resolve("train-images-idx3-ubyte.gz"));
        Idx.Tensor labels = Idx.read(Datasets.FASHION_MNIST.resolve("train-labels-idx1-ubyte.gz"));
        if (images.count() != IMAGES || labels.count() != IMAGES) {
            throw new IOException(Datasets.FASHION_MNIST + " holds " + images.count() + " training images, "
                    + IMAGES + " expected");
        }
        Path partial = root.resolve("." + name + ".partial");
        Folders.deleteRecursively(partial);
        Files.createDirectories(partial);
        long start = System.nanoTime();
        try (ProgressBar bar = progressBar("writing " + name, bytes)) {
            long written = 0;
            for (int shard = 0; shard < shards; shard++) {
                try (TfRecordWriter writer = new TfRecordWriter(partial.resolve(shardName(shard, shards)))) {
                    writeShard(writer, shard, images.values(), labels.values(), format, bar, written);
                    written += writer.bytes();
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
        return new Written(dir, shardFiles(dir, shards), bytes, seconds, false);
    }

    private static void writeShard(TfRecordWriter writer, int shard, byte[] pixels, byte[] labels, Format format,
                                   ProgressBar bar, long before) throws IOException {
        int[] image = new int[PIXELS];
        for (int i = 0; i < IMAGES; i++) {
            jitter(pixels, i, shard, image);
            writer.write(example(image, labels[i] & 0xff, format));
            if (i % 1000 == 999) {
                bar.stepTo(before + writer.bytes());
            }
        }
        bar.stepTo(before + writer.bytes());
    }

    /** Image {@code i} as shard {@code shard} holds it, in {@code out}. */
    private static void jitter(byte[] pixels, int i, int shard, int[] out) {
        int dy = shard == 0 ? 0 : SHIFTS[(shard - 1) % SHIFTS.length][0];
        int dx = shard == 0 ? 0 : SHIFTS[(shard - 1) % SHIFTS.length][1];
        SplittableRandom noise = shard >= NOISE_FROM_SHARD ? new SplittableRandom(shard * (long) IMAGES + i) : null;
        int base = i * PIXELS;
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                int sy = y - dy;
                int sx = x - dx;
                int value = sy < 0 || sy >= SIDE || sx < 0 || sx >= SIDE ? 0 : pixels[base + sy * SIDE + sx] & 0xff;
                if (noise != null) {
                    value = Math.min(255, Math.max(0, value + noise.nextInt(-NOISE_LEVELS, NOISE_LEVELS + 1)));
                }
                out[y * SIDE + x] = value;
            }
        }
    }

    /** A tf.Example: {@code image} the values 0..255 as one bytes value or a float list, {@code label} an int64. */
    private static byte[] example(int[] values, long label, Format format) {
        Feature.Builder image = Feature.newBuilder();
        if (format == Format.RAW) {
            byte[] bytes = new byte[values.length];
            for (int v = 0; v < values.length; v++) {
                bytes[v] = (byte) values[v];
            }
            image.setBytesList(BytesList.newBuilder().addValue(ByteString.copyFrom(bytes)));
        } else {
            FloatList.Builder floats = FloatList.newBuilder();
            for (int v : values) {
                floats.addValue(v);
            }
            image.setFloatList(floats);
        }
        return Example.newBuilder().setFeatures(Features.newBuilder()
                .putFeature("image", image.build())
                .putFeature("label", Feature.newBuilder().setInt64List(Int64List.newBuilder().addValue(label))
                        .build())).build().toByteArray();
    }

    private static String shardName(int shard, int shards) {
        return String.format(Locale.ROOT, "train-%05d-of-%05d.tfrecord", shard, shards);
    }

    private static List<Path> shardFiles(Path dir, int shards) {
        return java.util.stream.IntStream.range(0, shards).mapToObj(s -> dir.resolve(shardName(s, shards))).toList();
    }

    private static ProgressBar progressBar(String task, long bytes) {
        return ProgressBars.builder().setTaskName(task).setInitialMax(bytes).setUnit(" MB", 1_000_000).showSpeed()
                .build();
    }

    /** Deletes a half-written set left by an interrupted run (only this class's own hidden folder). */
}
