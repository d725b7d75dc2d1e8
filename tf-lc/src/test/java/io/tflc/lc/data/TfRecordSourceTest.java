package io.tflc.lc.data;

import static io.tflc.lc.data.FashionMnistFormats.firstTestImages;
import static io.tflc.lc.data.FashionMnistFormats.idxReference;
import static io.tflc.lc.data.FashionMnistFormats.scaled;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.BytesList;
import org.tensorflow.proto.Feature;

class TfRecordSourceTest {
    private static final int N = 500;
    private static final int[] FLAT = {784};

    @Test
    void pngRecordsInTwoShardsGiveExactlyTheIdxExamples(@TempDir Path dir) throws IOException {
        FashionMnistFormats.Raw raw = firstTestImages(N);
        FashionMnistFormats.tfrecordOfPngs(raw, 0, 300, dir.resolve("test-00000-of-00002.tfrecord"));
        FashionMnistFormats.tfrecordOfPngs(raw, 300, N, dir.resolve("test-00001-of-00002.tfrecord"));
        Dataset loaded = DataSources.open("tfrecord:" + dir + "/test-*.tfrecord", scaled()).load(FLAT);
        Dataset idx = idxReference(N, FLAT);
        assertArrayEquals(idx.features(), loaded.features());
        assertArrayEquals(idx.targets(), loaded.targets());
    }

    @Test
    void floatListRecordsGiveExactlyTheIdxExamples(@TempDir Path dir) throws IOException {
        int[] image = {28, 28, 1};
        Path file = FashionMnistFormats.tfrecordOfFloats(firstTestImages(N), dir.resolve("floats.tfrecord"));
        Dataset loaded = DataSources.open("tfrecord:" + file, scaled()).load(image);
        Dataset idx = idxReference(N, image);
        assertArrayEquals(idx.features(), loaded.features());
        assertArrayEquals(idx.targets(), loaded.targets());
    }

    @Test
    void rawByteRecordsGiveExactlyTheIdxExamplesWithOrWithoutDecodeRaw(@TempDir Path dir) throws IOException {
        int[] image = {28, 28, 1};
        Path file = FashionMnistFormats.tfrecordOfRawBytes(firstTestImages(N), dir.resolve("raw.tfrecord"));
        Dataset idx = idxReference(N, image);
        DataSpec raw = new DataSpec(null, null, "raw", null, scaled().preprocess());
        for (DataSpec spec : List.of(scaled(), raw)) { // no decode: 784 bytes with no image signature are raw
            Dataset loaded = DataSources.open("tfrecord:" + file, spec).load(image);
            assertArrayEquals(idx.features(), loaded.features());
            assertArrayEquals(idx.targets(), loaded.targets());
        }
    }

    @Test
    void aRawValueOfAnotherLengthNamesTheFileAndRecord(@TempDir Path dir) throws IOException {
        FashionMnistFormats.Raw raw = firstTestImages(10);
        List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < raw.count(); i++) {
            byte[] pixels = i == 6 ? Arrays.copyOf(raw.image(i), 700) : raw.image(i);
            records.add(FashionMnistFormats.rawExample(pixels, raw.labels()[i]));
        }
        Path file = Files.write(dir.resolve("raw.tfrecord"), FashionMnistFormats.tfrecord(records));
        String message = failure(file, FLAT);
        assertTrue(message.contains(file + " record 7") && message.contains("700 bytes")
                && message.contains("784"), message);
    }

    @Test
    void bytesWithoutAnImageSignatureOfAnotherLengthAskForDataDecode(@TempDir Path dir) throws IOException {
        FashionMnistFormats.Raw raw = firstTestImages(3);
        List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < raw.count(); i++) {
            records.add(FashionMnistFormats.rawExample(Arrays.copyOf(raw.image(i), 700), raw.labels()[i]));
        }
        Path file = Files.write(dir.resolve("short.tfrecord"), FashionMnistFormats.tfrecord(records));
        String message = failure(file, FLAT);
        assertTrue(message.contains(file + " record 1") && message.contains("700 bytes")
                && message.contains("data.decode"), message);
        // A PNG is recognised by its signature, raw values are not taken for one.
        assertTrue(TfExampleSchema.imageSignature(pngOf(firstTestImages(1))));
        assertFalse(TfExampleSchema.imageSignature(raw.image(0)));
        byte[] bmpLike = raw.image(0).clone();
        bmpLike[0] = 'B';
        bmpLike[1] = 'M';
        assertFalse(TfExampleSchema.imageSignature(bmpLike)); // "BM" without its own length is no BMP
    }

    @Test
    void aFlippedDataByteIsACorruptRecordNamedByFileAndNumber(@TempDir Path dir) throws IOException {
        Path file = tenRecords(dir);
        byte[] bytes = Files.readAllBytes(file);
        bytes[offset(bytes, 3) + 12 + 40] ^= 0x10; // in the data of record 4
        Files.write(file, bytes);
        String message = failure(file, FLAT);
        assertTrue(message.contains(file.toString()) && message.contains("record 4")
                && message.contains("corrupted record"), message);
    }

    @Test
    void aFlippedLengthByteIsACorruptRecord(@TempDir Path dir) throws IOException {
        Path file = tenRecords(dir);
        byte[] bytes = Files.readAllBytes(file);
        bytes[offset(bytes, 2) + 1] ^= 0x01; // the length of record 3
        Files.write(file, bytes);
        String message = failure(file, FLAT);
        assertTrue(message.contains(file.toString()) && message.contains("record 3 is corrupt"), message);
    }

    @Test
    void aFileCutInARecordsDataOrHeaderNamesTheRecord(@TempDir Path dir) throws IOException {
        Path file = tenRecords(dir);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, offset(bytes, 6) + 12 + 100)); // inside record 7's data
        String inData = failure(file, FLAT);
        assertTrue(inData.contains(file.toString()) && inData.contains("record 7 is truncated"), inData);
        // TF itself would stop silently here, taking the 7 whole records for the whole file.
        Files.write(file, Arrays.copyOf(bytes, offset(bytes, 7) + 5)); // inside record 8's header
        String inHeader = failure(file, FLAT);
        assertTrue(inHeader.contains(file.toString()) && inHeader.contains("record 8 is truncated"), inHeader);
    }

    @Test
    void anUndecodableImageNamesTheRecord(@TempDir Path dir) throws IOException {
        List<byte[]> records = new ArrayList<>(records(3));
        records.add(FashionMnistFormats.example(Feature.newBuilder().setBytesList(BytesList.newBuilder()
                .addValue(ByteString.copyFrom("not a PNG", StandardCharsets.UTF_8))), 1));
        Path file = Files.write(dir.resolve("broken.tfrecord"), FashionMnistFormats.tfrecord(records));
        String message = failure(file, FLAT);
        assertTrue(message.contains(file.toString()) && message.contains("record 4")
                && message.contains("image"), message);
    }

    @Test
    void imagesOfAnotherSizeThanTheModelInputAreNamed(@TempDir Path dir) throws IOException {
        Path file = tenRecords(dir);
        String message = failure(file, new int[] {32, 32, 1});
        assertTrue(message.contains(file.toString()) && message.contains("record 1")
                && message.contains("28×28") && message.contains("32×32"), message);
    }

    @Test
    void aMissingKeyListsTheKeysTheRecordHolds(@TempDir Path dir) throws IOException {
        Path file = tenRecords(dir);
        DataSpec spec = new DataSpec("class", null, null, null, DataSpec.Preprocess.NONE);
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> new TfRecordSource(file.toString(), spec).load(FLAT));
        assertTrue(e.getMessage().contains("'class'") && e.getMessage().contains("[image, label]"), e.getMessage());
    }

    @Test
    void emptyFilesAndGlobsMatchingNothingAreErrors(@TempDir Path dir) throws IOException {
        Path empty = Files.write(dir.resolve("empty.tfrecord"), new byte[0]);
        assertTrue(failure(empty, FLAT).contains("holds no examples"));
        IOException e = assertThrows(IOException.class,
                () -> DataSources.open("tfrecord:" + dir + "/train-*.tfrecord", scaled()).load(FLAT));
        assertTrue(e.getMessage().contains("matches no files"), e.getMessage());
    }

    private static byte[] pngOf(FashionMnistFormats.Raw raw) {
        try (FashionMnistFormats.PngEncoder png = new FashionMnistFormats.PngEncoder()) {
            return png.encode(raw.image(0), 28, 28, 1);
        }
    }

    /** Ten Fashion-MNIST records in one file. */
    private static Path tenRecords(Path dir) throws IOException {
        return Files.write(dir.resolve("ten.tfrecord"), FashionMnistFormats.tfrecord(records(10)));
    }

    private static List<byte[]> records(int count) throws IOException {
        FashionMnistFormats.Raw raw = firstTestImages(count);
        List<byte[]> records = new ArrayList<>();
        try (FashionMnistFormats.PngEncoder png = new FashionMnistFormats.PngEncoder()) {
            for (int i = 0; i < count; i++) {
                records.add(FashionMnistFormats.example(Feature.newBuilder().setBytesList(BytesList.newBuilder()
                        .addValue(ByteString.copyFrom(png.encode(raw.image(i), 28, 28, 1)))), raw.labels()[i]));
            }
        }
        return records;
    }

    /** Where record {@code index} (0-based) starts. */
    private static int offset(byte[] file, int index) {
        int at = 0;
        for (int i = 0; i < index; i++) {
            long length = java.nio.ByteBuffer.wrap(file, at, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
            at += 12 + (int) length + 4;
        }
        return at;
    }

    private static String failure(Path file, int[] shape) {
        return assertThrows(InvalidDataException.class,
                () -> DataSources.open("tfrecord:" + file, scaled()).load(shape)).getMessage();
    }
}
