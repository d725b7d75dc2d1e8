package io.tflc.lc.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {

    private static byte[] idx(int[] dims, byte[] values) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(0x0800 | dims.length);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(values);
        }
        return bytes.toByteArray();
    }

    private static Path gz(Path file, byte[] content) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(content);
        }
        return file;
    }

    @Test
    void readsGzippedAndPlainFiles(@TempDir Path dir) throws IOException {
        byte[] content = idx(new int[] {2, 2, 3}, new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, (byte) 255});
        Idx.Tensor plain = Idx.read(Files.write(dir.resolve("x.idx"), content));
        Idx.Tensor zipped = Idx.read(gz(dir.resolve("x.gz"), content));
        assertArrayEquals(new int[] {2, 2, 3}, plain.dims());
        assertEquals(6, plain.itemSize());
        assertArrayEquals(plain.values(), zipped.values());
    }

    @Test
    void truncatedAndForeignFilesAreNamed(@TempDir Path dir) throws IOException {
        byte[] content = idx(new int[] {10, 28, 28}, new byte[100]);
        Path truncated = gz(dir.resolve("truncated.gz"), content);
        IOException e = assertThrows(IOException.class, () -> Idx.read(truncated));
        assertTrue(e.getMessage().contains("truncated.gz") && e.getMessage().contains("truncated"), e.getMessage());
        Path foreign = Files.writeString(dir.resolve("notes.txt"), "hello, this is not IDX");
        IOException f = assertThrows(IOException.class, () -> Idx.read(foreign));
        assertTrue(f.getMessage().contains("not an unsigned-byte IDX"), f.getMessage());
    }

    @Test
    void aMissingDatasetFolderIsNamed(@TempDir Path dir) {
        DataUnavailableException e = assertThrows(DataUnavailableException.class,
                () -> Datasets.loadMnistLayout(dir.resolve("nowhere"), 1, new int[] {784}));
        assertTrue(e.getMessage().contains("nowhere"), e.getMessage());
    }

    @Test
    void shufflingIsSeededAndAPermutation() {
        Dataset data = Dataset.ofClasses(new float[20], new int[20], new int[] {1});
        int[] a = data.shuffledIndices(new SplittableRandom(9));
        int[] b = data.shuffledIndices(new SplittableRandom(9));
        assertArrayEquals(a, b);
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i]);
        }
    }
}
