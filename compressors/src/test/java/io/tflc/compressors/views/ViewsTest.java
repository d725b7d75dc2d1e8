package io.tflc.compressors.views;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.compressors.CStep;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.lowrank.FixedRank;
import java.util.List;
import org.junit.jupiter.api.Test;

class ViewsTest {

    private static double[] iota(int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
        }
        return v;
    }

    @Test
    void asIsKeepsAMatrixAndMakesAVectorARow() {
        Matrix m = new AsIs(new int[] {3, 4}).pack(List.of(iota(12)));
        assertEquals(3, m.rows());
        assertEquals(6.0, m.get(1, 2));
        Matrix v = new AsIs(new int[] {5}).pack(List.of(iota(5)));
        assertEquals("1×5", v.shape());
    }

    @Test
    void convFiltersPutsOneFilterPerColumn() {
        int[] hwio = {2, 3, 4, 5};
        double[] kernel = iota(120);
        Matrix m = new ConvFilters(hwio).pack(List.of(kernel));
        assertEquals("24×5", m.shape());
        // K[h=1, w=2, i=3, o=4] is at row (1·3 + 2)·4 + 3 = 23, column 4.
        assertEquals(kernel[((1 * 3 + 2) * 4 + 3) * 5 + 4], m.get(23, 4));
    }

    @Test
    void convSpatialPairsHeightWithInputsAndWidthWithOutputs() {
        int[] hwio = {2, 3, 4, 5};
        double[] kernel = iota(120);
        ConvSpatial view = new ConvSpatial(hwio);
        Matrix m = view.pack(List.of(kernel));
        assertEquals("8×15", m.shape());
        for (int h = 0; h < 2; h++) {
            for (int w = 0; w < 3; w++) {
                for (int i = 0; i < 4; i++) {
                    for (int o = 0; o < 5; o++) {
                        assertEquals(kernel[((h * 3 + w) * 4 + i) * 5 + o], m.get(h * 4 + i, w * 5 + o));
                    }
                }
            }
        }
        assertArrayEquals(kernel, view.unpack(m).get(0));
    }

    @Test
    void depthwisePutsOneChannelFilterPerColumnAndRoundTrips() {
        int[] hwcm = {3, 3, 4, 2};
        double[] kernel = iota(72);
        Depthwise view = new Depthwise(hwcm);
        Matrix m = view.pack(List.of(kernel));
        assertEquals("9×8", m.shape());
        for (int h = 0; h < 3; h++) {
            for (int w = 0; w < 3; w++) {
                for (int c = 0; c < 4; c++) {
                    for (int k = 0; k < 2; k++) {
                        // the spatial tap picks the row, the output channel c·M + k the column
                        assertEquals(kernel[((h * 3 + w) * 4 + c) * 2 + k], m.get(h * 3 + w, c * 2 + k));
                    }
                }
            }
        }
        assertArrayEquals(kernel, view.unpack(m).get(0));
    }

    @Test
    void depthwiseRankOneIsOneSpatialFilterSharedByTheChannels() {
        // every channel uses the same 3×3 filter, scaled: rank 1 in the depthwise view, so a rank-1 C-step keeps it
        // exactly, while conv_spatial's (H·C)×(W·M) arrangement of the same kernel is not rank 1
        double[] filter = {1, 2, 0, -1, 3, 1, 0, 1, 2};
        double[] scale = {1, -2, 0.5, 4};
        double[] kernel = new double[36];
        for (int tap = 0; tap < 9; tap++) {
            for (int c = 0; c < 4; c++) {
                kernel[tap * 4 + c] = filter[tap] * scale[c];
            }
        }
        int[] shape = {3, 3, 4, 1};
        Matrix depthwise = new Depthwise(shape).pack(List.of(kernel));
        Matrix spatial = new ConvSpatial(shape).pack(List.of(kernel));
        FixedRank rankOne = new FixedRank(1);
        double lost = depthwise.squaredDistance(rankOne.compress(depthwise, CStep.direct(1)).decompress());
        double spatialLost = spatial.squaredDistance(rankOne.compress(spatial, CStep.direct(1)).decompress());
        assertEquals(0, lost, 1e-9);
        assertTrue(spatialLost > 1, "conv_spatial rank 1 loses " + spatialLost);
    }

    @Test
    void concatenatedRoundTrips() {
        Concatenated view = new Concatenated(List.of(new int[] {2, 3}, new int[] {4}, new int[] {1, 1, 2, 2}));
        double[] a = iota(6);
        double[] b = {10, 11, 12, 13};
        double[] c = {20, 21, 22, 23};
        Matrix packed = view.pack(List.of(a, b, c));
        assertEquals("1×14", packed.shape());
        List<double[]> back = view.unpack(packed);
        assertArrayEquals(a, back.get(0));
        assertArrayEquals(b, back.get(1));
        assertArrayEquals(c, back.get(2));
    }

    @Test
    void shapesThatDoNotFitNameTheViewsThatDo() {
        IllegalArgumentException fourD = assertThrows(IllegalArgumentException.class,
                () -> new AsIs(new int[] {3, 3, 1, 8}));
        assertTrue(fourD.getMessage().contains("conv_filters") && fourD.getMessage().contains("conv_spatial")
                && fourD.getMessage().contains("depthwise"), fourD.getMessage());
        IllegalArgumentException dense = assertThrows(IllegalArgumentException.class,
                () -> new Depthwise(new int[] {64, 10}));
        assertTrue(dense.getMessage().contains("depthwise") && dense.getMessage().contains("as_is")
                && dense.getMessage().contains("[64, 10]"), dense.getMessage());
        IllegalArgumentException wrongCount = assertThrows(IllegalArgumentException.class,
                () -> new Depthwise(new int[] {3, 3, 4, 1}).pack(List.of(new double[35])));
        assertTrue(wrongCount.getMessage().contains("[3, 3, 4, 1]"), wrongCount.getMessage());
        IllegalArgumentException twoD = assertThrows(IllegalArgumentException.class,
                () -> new ConvFilters(new int[] {784, 300}));
        assertTrue(twoD.getMessage().contains("as_is"), twoD.getMessage());
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                () -> new AsIs(new int[] {3, 4}).pack(List.of(new double[11])));
        assertTrue(size.getMessage().contains("[3, 4]"), size.getMessage());
    }
}
