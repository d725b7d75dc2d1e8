package io.tflc.lc.algorithm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.compressors.CStep;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.SparseFactors;
import io.tflc.compressors.VectorQuantized;
import io.tflc.compressors.factors.SparseQuantizedFactors;
import io.tflc.compressors.quantization.VectorQuantization;
import io.tflc.savedmodels.SavedModelReader;
import io.tflc.savedmodels.SharedFiles;
import io.tflc.savedmodels.TrainableModel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The sparse-factors C-step on real weights, a trained model's kernels as one view of 8-value vectors (as in the
 * plans of issue 19), compared with the special cases it contains. The weights are the public Keras MNIST MLP's in
 * {@code ../shared} (present in CI), not LeNet300's: that reference is trained by {@code bin/tf-lc}, and a test that
 * needs it would skip on every fresh clone.
 */
class SparseFactorsOnRealWeightsTest {
    /** Values taken from the first kernel: as many as LeNet300's second and third kernels hold (3,875 vectors). */
    private static final int VALUES = 31_000;


    /**
     * The two settings, on 31,000 values of the MLP's 784×128 kernel (3,875 vectors, a few seconds): the
     * fit is at least as good as vector quantization with k rows and as residual quantization with s stages of k/s
     * rows. With unit values both are special cases of the factors (with fewer bits); with 1-bit values, where every
     * term must be used, neither is exactly, so there the bound is measured, not guaranteed.
     */
    @ParameterizedTest(name = "k={0} s={1} b_z={2}")
    @CsvSource({"16, 2, 0", "8, 2, 1"})
    void factorsFitAtLeastAsWellAsTheirSpecialCases(int k, int s, int valueBits) {
        Matrix w = kernelValues("dense/kernel", VALUES);
        w = w.reshape(w.size() / 8, 8);
        SparseFactors f = (SparseFactors) new SparseQuantizedFactors(k, 8, s, valueBits, 32).compress(w,
                CStep.direct(1));
        double factors = w.squaredDistance(f.decompress());
        double vq = w.squaredDistance(new VectorQuantization(k, 8).compress(w, CStep.direct(1)).decompress());
        double residual = residualQuantization(w, k / s, s);
        System.out.printf("keras-mnist-mlp dense/kernel (first %d values), d=8, ‖W‖²=%.3f: factors k=%d s=%d b_z=%d %.3f; VQ k=%d %.3f;"
                + " residual VQ %d×%d %.3f%n", VALUES, w.squaredNorm(), k, s, valueBits, factors, k, vq, s, k / s, residual);
        assertTrue(factors <= vq, "factors " + factors + " vs vector quantization with k=" + k + ": " + vq);
        assertTrue(factors <= residual, "factors " + factors + " vs residual quantization " + s + "×" + k / s + ": "
                + residual);
    }

    /** Residual quantization with {@code stages} stages of k rows each: k-means on what the stages before left. */
    static double residualQuantization(Matrix w, int k, int stages) {
        Matrix left = w;
        for (int s = 0; s < stages; s++) {
            VectorQuantized vq = (VectorQuantized) new VectorQuantization(k, w.cols()).compress(left, CStep.direct(1));
            left = left.minus(vq.decompress());
        }
        return left.squaredNorm();
    }

    /** The first {@code count} values of {@code kernel} of the Keras MNIST MLP in {@code ../shared}, as one row. */
    static Matrix kernelValues(String kernel, int count) {
        Path mlp = SharedFiles.require("savedmodels/keras-mnist-mlp");
        try (TrainableModel model = SavedModelReader.read(mlp, "serving_default", null, null)) {
            float[] values = model.access().read(List.of(kernel)).get(kernel);
            double[] first = new double[count];
            for (int i = 0; i < count; i++) {
                first[i] = values[i];
            }
            return Matrix.of(1, count, first);
        }
    }
}
