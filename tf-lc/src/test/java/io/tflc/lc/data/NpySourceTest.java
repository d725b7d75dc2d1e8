package io.tflc.lc.data;

import static io.tflc.lc.data.FashionMnistFormats.firstTestImages;
import static io.tflc.lc.data.FashionMnistFormats.idxReference;
import static io.tflc.lc.data.FashionMnistFormats.scaled;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class NpySourceTest {
    private static final int N = 500;

    @Test
    void aFolderAndAFilePairGiveExactlyTheIdxExamples(@TempDir Path dir) throws IOException {
        FashionMnistFormats.npy(firstTestImages(N), dir);
        Dataset idx = idxReference(N, new int[] {784});
        for (String source : new String[] {"npy:" + dir, "npy:" + dir.resolve("x.npy") + "," + dir.resolve("y.npy")}) {
            Dataset loaded = DataSources.open(source, scaled()).load(new int[] {784});
            assertArrayEquals(idx.features(), loaded.features(), source);
            assertArrayEquals(idx.targets(), loaded.targets(), source);
        }
    }

    @Test
    void float64FeaturesAndTwoDimensionalTargetsAreRead(@TempDir Path dir) throws IOException {
        try (INDArray x = Nd4j.create(new double[] {1.5, 2, 3, 4, 5, 6}, new long[] {2, 3}, DataType.DOUBLE);
             INDArray y = Nd4j.create(new float[] {0.25f, 1, 2, 3}, new long[] {2, 2}, DataType.FLOAT)) {
            Nd4j.writeAsNumpy(x, dir.resolve("x.npy").toFile());
            Nd4j.writeAsNumpy(y, dir.resolve("y.npy").toFile());
        }
        Dataset loaded = DataSources.open("npy:" + dir, DataSpec.DEFAULT).load(new int[] {3});
        assertArrayEquals(new float[] {1.5f, 2, 3, 4, 5, 6}, loaded.features());
        assertEquals(2, loaded.targetWidth());
        assertArrayEquals(new float[] {0.25f, 1, 2, 3}, loaded.targets());
    }

    @Test
    void aTruncatedFileIsNamed(@TempDir Path dir) throws IOException {
        FashionMnistFormats.npy(firstTestImages(20), dir);
        Path x = dir.resolve("x.npy");
        byte[] bytes = Files.readAllBytes(x);
        Files.write(x, Arrays.copyOf(bytes, bytes.length - 100));
        String message = failure(dir, new int[] {784});
        assertTrue(message.contains(x.toString()) && message.contains("truncated"), message);
    }

    @Test
    void aFileThatIsNotNpyIsNamed(@TempDir Path dir) throws IOException {
        FashionMnistFormats.npy(firstTestImages(20), dir);
        Path y = Files.writeString(dir.resolve("y.npy"), "0,1,2,3");
        String message = failure(dir, new int[] {784});
        assertTrue(message.contains(y.toString()) && message.contains("not a NumPy"), message);
    }

    @Test
    void examplesOfAnotherSizeAndMismatchedCountsAreNamed(@TempDir Path dir) throws IOException {
        FashionMnistFormats.Raw raw = firstTestImages(20);
        FashionMnistFormats.npy(raw, dir);
        String size = failure(dir, new int[] {32, 32, 1});
        assertTrue(size.contains(dir.resolve("x.npy").toString()) && size.contains("[28, 28]")
                && size.contains("[32, 32, 1]"), size);
        try (INDArray y = Nd4j.createFromArray(new long[19])) {
            Nd4j.writeAsNumpy(y, dir.resolve("y.npy").toFile());
        }
        String count = failure(dir, new int[] {784});
        assertTrue(count.contains("holds 20 examples") && count.contains("19 labels"), count);
    }

    @Test
    void arraysNd4jWouldMisreadAreRefusedBeforeItReadsThem(@TempDir Path dir) throws IOException {
        FashionMnistFormats.npy(firstTestImages(2), dir);
        Path y = dir.resolve("y.npy");
        // Column-major: ND4J would take these values in row-major order, scrambling the array.
        handWritten(y, "<f4", true, "(2,)", 8);
        String fortran = failure(dir, new int[] {784});
        assertTrue(fortran.contains(y.toString()) && fortran.contains("Fortran"), fortran);
        // Big-endian: ND4J's native reader would abort the JVM.
        handWritten(y, ">f4", false, "(2,)", 8);
        String bigEndian = failure(dir, new int[] {784});
        assertTrue(bigEndian.contains(y.toString()) && bigEndian.contains("'>f4'"), bigEndian);
    }

    /** A version-1 .npy file: magic, version, header length, the header dict padded to 64 bytes, zero values. */
    private static void handWritten(Path file, String type, boolean fortran, String shape, int dataBytes)
            throws IOException {
        StringBuilder header = new StringBuilder("{'descr': '" + type + "', 'fortran_order': "
                + (fortran ? "True" : "False") + ", 'shape': " + shape + ", }");
        while ((10 + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(10 + header.length() + dataBytes)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        bytes.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length())
                .put(header.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        Files.write(file, bytes.array());
    }

    @Test
    void anEmptyArrayIsAnError(@TempDir Path dir) throws IOException {
        try (INDArray x = Nd4j.create(DataType.FLOAT, 0, 3); INDArray y = Nd4j.create(DataType.FLOAT, 0)) {
            Nd4j.writeAsNumpy(x, dir.resolve("x.npy").toFile());
            Nd4j.writeAsNumpy(y, dir.resolve("y.npy").toFile());
        }
        assertTrue(failure(dir, new int[] {3}).contains("holds no examples"));
    }

    private static String failure(Path dir, int[] shape) {
        return assertThrows(InvalidDataException.class,
                () -> DataSources.open("npy:" + dir, scaled()).load(shape)).getMessage();
    }
}
