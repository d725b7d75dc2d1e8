package io.tflc.lc.data;

import static io.tflc.lc.data.FashionMnistFormats.firstTestImages;
import static io.tflc.lc.data.FashionMnistFormats.scaled;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.lc.FashionMnist;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSourcesTest {
    private static final int[] FLAT = {784};
    private static final String FASHION = "idx:" + Datasets.FASHION_MNIST;

    @Test
    void idxFeaturesArePixelsTimesScaleBitForBit() throws IOException {
        FashionMnist.get();
        Idx.Tensor images = Idx.read(Datasets.FASHION_MNIST.resolve("t10k-images-idx3-ubyte.gz"));
        float scale = 1f / 255;
        float[] expected = new float[images.values().length];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (images.values()[i] & 0xff) * scale; // how tf-lc has always scaled IDX pixels
        }
        Dataset test = DataSources.open(FASHION, scaled()).load(FLAT);
        assertArrayEquals(expected, test.features());
        assertEquals(10_000, test.size());
    }

    @Test
    void anIdxFolderAloneIsItsTrainAndTestFiles() throws IOException {
        Datasets legacy = FashionMnist.get();
        Datasets sets = DataSources.open(scaled(), FASHION, null, null, 0, 0, FLAT);
        assertEquals(60_000, sets.train().size());
        assertArrayEquals(legacy.test().features(), sets.test().features());
        assertArrayEquals(legacy.test().targets(), sets.test().targets());
        Datasets named = DataSources.open(scaled(), null, FASHION, FASHION, 0, 0, FLAT);
        assertEquals(60_000, named.train().size());
        assertEquals(10_000, named.test().size());
        Dataset byPrefix = DataSources.open(FASHION + "/t10k", scaled()).load(new int[] {28, 28, 1});
        assertArrayEquals(legacy.test().features(), byPrefix.features());
    }

    @Test
    void aSplitIsSeededDisjointAndCoversTheSource(@TempDir Path dir) throws IOException {
        FashionMnistFormats.Raw raw = firstTestImages(300);
        FashionMnistFormats.npy(raw, dir);
        String source = "npy:" + dir;
        Datasets a = DataSources.open(scaled(), source, null, null, 200, 7, FLAT);
        Datasets b = DataSources.open(scaled(), source, null, null, 200, 7, FLAT);
        Datasets c = DataSources.open(scaled(), source, null, null, 200, 8, FLAT);
        assertEquals(200, a.train().size());
        assertEquals(100, a.test().size());
        assertArrayEquals(a.train().features(), b.train().features());
        assertArrayEquals(a.test().targets(), b.test().targets());
        assertFalse(Arrays.equals(a.train().features(), c.train().features()));
        float[] all = DataSources.open(source, scaled()).load(FLAT).targets();
        int[] expected = new int[10];
        int[] got = new int[10];
        for (float t : all) {
            expected[(int) t]++;
        }
        for (Dataset part : new Dataset[] {a.train(), a.test()}) {
            for (int label : part.labels()) {
                got[label]++;
            }
        }
        assertArrayEquals(expected, got);
        Datasets idx = DataSources.open(scaled(), FASHION, null, null, 9_000, 1, FLAT);
        assertEquals(1_000, idx.test().size()); // the t10k set was split
    }

    @Test
    void aSplitMustLeaveATestSet(@TempDir Path dir) throws IOException {
        FashionMnistFormats.npy(firstTestImages(50), dir);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DataSources.open(scaled(), "npy:" + dir, null, null, 50, 0, FLAT));
        assertTrue(e.getMessage().contains("split.train 50 but npy:" + dir + " holds 50 examples"), e.getMessage());
    }

    @Test
    void unknownKindsAndMissingColonsListTheKindsWithAnExample() {
        IllegalArgumentException kind = assertThrows(IllegalArgumentException.class,
                () -> DataSources.open("parquet:/data/x.parquet", DataSpec.DEFAULT));
        assertTrue(kind.getMessage().contains("'parquet'") && kind.getMessage().contains(DataSources.KINDS)
                && kind.getMessage().contains("e.g. csv:"), kind.getMessage());
        IllegalArgumentException colon = assertThrows(IllegalArgumentException.class,
                () -> DataSources.open("/data/x.csv", DataSpec.DEFAULT));
        assertTrue(colon.getMessage().contains("not KIND:PATH") && colon.getMessage().contains(DataSources.KINDS)
                && colon.getMessage().contains("e.g. csv:"), colon.getMessage());
    }

    @Test
    void setsMustComeAsTrainAndTestOrOneSourceWithASplit(@TempDir Path dir) throws IOException {
        Path csv = Files.writeString(dir.resolve("t.csv"), "a,y\n1,0\n2,1\n");
        IllegalArgumentException alone = assertThrows(IllegalArgumentException.class,
                () -> DataSources.open(DataSpec.DEFAULT, null, "csv:" + csv, null, 0, 0, new int[] {1}));
        assertTrue(alone.getMessage().contains("no test source"), alone.getMessage());
        IllegalArgumentException unsplit = assertThrows(IllegalArgumentException.class,
                () -> DataSources.open(DataSpec.DEFAULT, "csv:" + csv, null, null, 0, 0, new int[] {1}));
        assertTrue(unsplit.getMessage().contains("needs a split"), unsplit.getMessage());
        Datasets split = DataSources.open(DataSpec.DEFAULT, "csv:" + csv, null, null, 1, 0, new int[] {1});
        assertEquals(1, split.train().size());
        assertEquals(1, split.test().size());
    }

    @Test
    void anEmptySourceIsAnError(@TempDir Path dir) throws IOException {
        Path csv = Files.writeString(dir.resolve("t.csv"), "a,y\n");
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> DataSources.open(DataSpec.DEFAULT, null, "csv:" + csv, "csv:" + csv, 0, 0, new int[] {1}));
        assertTrue(e.getMessage().contains("csv:" + csv + " holds no examples"), e.getMessage());
    }
}
