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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderSourceTest {
    private static final int N = 500;

    @Test
    void aPngTreeGivesExactlyTheIdxExamplesForFlatAndImageInputs(@TempDir Path dir) throws IOException {
        FashionMnistFormats.pngTree(firstTestImages(N), dir);
        for (int[] shape : new int[][] {{784}, {28, 28, 1}}) {
            Dataset loaded = DataSources.open("images:" + dir, scaled()).load(shape);
            Dataset idx = idxReference(N, shape);
            assertArrayEquals(idx.features(), loaded.features());
            assertArrayEquals(idx.targets(), loaded.targets());
        }
    }

    @Test
    void classesListedInTheSpecSetTheLabels(@TempDir Path dir) throws IOException {
        FashionMnistFormats.Raw raw = firstTestImages(40);
        FashionMnistFormats.pngTree(raw, dir);
        List<String> reversed = List.of("9", "8", "7", "6", "5", "4", "3", "2", "1", "0");
        DataSpec spec = new DataSpec(null, null, null, reversed, DataSpec.Preprocess.NONE);
        int[] labels = new ImageFolderSource(dir, spec).load(new int[] {784}).labels();
        for (int i = 0; i < labels.length; i++) {
            assertEquals(9 - raw.labels()[i], labels[i]);
        }
        DataSpec partial = new DataSpec(null, null, null, List.of("0", "1"), DataSpec.Preprocess.NONE);
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> new ImageFolderSource(dir, partial).load(new int[] {784}));
        assertTrue(e.getMessage().contains("is not among the classes"), e.getMessage());
    }

    @Test
    void anUnreadableImageIsNamed(@TempDir Path dir) throws IOException {
        FashionMnistFormats.Raw raw = firstTestImages(5);
        FashionMnistFormats.pngTree(raw, dir);
        Path broken = Files.writeString(dir.resolve(Integer.toString(raw.labels()[2])).resolve("00002.png"),
                "this is not a PNG");
        String message = failure(dir, new int[] {784});
        assertTrue(message.contains(broken.toString()) && message.contains("cannot decode"), message);
    }

    @Test
    void aColourImageForAGreyscaleModelIsNamedWithItsChannels(@TempDir Path dir) throws IOException {
        FashionMnistFormats.Raw raw = firstTestImages(5);
        FashionMnistFormats.pngTree(raw, dir);
        Path colour = dir.resolve(Integer.toString(raw.labels()[3])).resolve("00003.png");
        try (FashionMnistFormats.PngEncoder png = new FashionMnistFormats.PngEncoder()) {
            Files.write(colour, png.encode(new byte[28 * 28 * 3], 28, 28, 3));
        }
        String image = failure(dir, new int[] {28, 28, 1});
        assertTrue(image.contains(colour.toString()) && image.contains("has 3 channels")
                && image.contains("with 1"), image);
        String flat = failure(dir, new int[] {784});
        assertTrue(flat.contains(colour.toString()) && flat.contains("3 channels") && flat.contains("784"), flat);
    }

    @Test
    void anImageOfAnotherSizeIsNamedWithBothSizesUnlessResized(@TempDir Path dir) throws IOException {
        Path small = Files.createDirectories(dir.resolve("0")).resolve("00000.png");
        byte[] grey = new byte[14 * 14];
        Arrays.fill(grey, (byte) 100);
        try (FashionMnistFormats.PngEncoder png = new FashionMnistFormats.PngEncoder()) {
            Files.write(small, png.encode(grey, 14, 14, 1));
        }
        String message = failure(dir, new int[] {28, 28, 1});
        assertTrue(message.contains(small.toString()) && message.contains("14×14") && message.contains("28×28"),
                message);
        DataSpec resize = new DataSpec(null, null, null, null,
                new DataSpec.Preprocess(1f, null, null, false, new int[] {28, 28}));
        Dataset resized = new ImageFolderSource(dir, resize).load(new int[] {28, 28, 1});
        assertEquals(1, resized.size());
        for (float v : resized.features()) {
            assertEquals(100f, v); // bilinear scaling keeps a flat image flat
        }
    }

    @Test
    void anEmptyFolderIsAnError(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("0"));
        assertTrue(failure(dir, new int[] {784}).contains("holds no examples"));
    }

    @Test
    void trainAndTestFoldersWithOtherClassesAreRefused(@TempDir Path dir) throws IOException {
        FashionMnistFormats.Raw raw = firstTestImages(20);
        Path train = FashionMnistFormats.pngTree(raw, dir.resolve("train"));
        Path test = FashionMnistFormats.pngTree(raw, dir.resolve("test"));
        Files.createDirectories(train.resolve("extra"));
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> DataSources.open(scaled(), null,
                "images:" + train, "images:" + test, 0, 0, new int[] {784}));
        assertTrue(e.getMessage().contains("data.classes"), e.getMessage());
    }

    private static String failure(Path dir, int[] shape) {
        return assertThrows(InvalidDataException.class,
                () -> DataSources.open("images:" + dir, scaled()).load(shape)).getMessage();
    }
}
