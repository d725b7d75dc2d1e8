package io.tflc.compressors.quantization;

import io.tflc.compressors.CStep;
import io.tflc.compressors.Compression;
import io.tflc.compressors.DoubleSort;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.Quantized;
import io.tflc.compressors.Theta;

/**
 * Quantization to {−a, 0, +a} with a learned. Exact: if the t weights of largest |x| are the nonzero ones, the
 * best a is their mean |x| and the error is ‖x‖² − (Σ_top-t |x|)²/t, so the C-step sorts |x| and takes the t that
 * maximises (Σ_top-t |x|)²/t. At that optimum the nonzero weights are exactly those with |x| &gt; a/2 (up to ties,
 * which cost the same), which is how the codes are assigned. Codes index {−a, 0, +a}. Bits: 2 per weight + 32.
 */
public record ScaledTernary() implements Compression {

    @Override
    public Theta compress(Matrix x, CStep step) {
        int n = x.size();
        double[] magnitudes = new double[n];
        for (int i = 0; i < n; i++) {
            magnitudes[i] = Math.abs(x.at(i));
        }
        DoubleSort.sort(magnitudes);
        double prefix = 0;
        double bestGain = -1;
        double a = 0;
        for (int t = 1; t <= n; t++) {
            prefix += magnitudes[n - t];
            double gain = prefix * prefix / t;
            if (gain > bestGain) {
                bestGain = gain;
                a = prefix / t;
            }
        }
        int[] codes = new int[n];
        double keptSum = 0;
        int kept = 0;
        for (int i = 0; i < n; i++) {
            double v = x.at(i);
            if (Math.abs(v) > a / 2) {
                codes[i] = v < 0 ? 0 : 2;
                keptSum += Math.abs(v);
                kept++;
            } else {
                codes[i] = 1;
            }
        }
        double scale = kept == 0 ? 0 : keptSum / kept;
        return new Quantized(x.rows(), x.cols(), new double[] {-scale, 0, scale}, codes, 1);
    }

    @Override
    public String describe() {
        return "scaled_ternary";
    }
}
