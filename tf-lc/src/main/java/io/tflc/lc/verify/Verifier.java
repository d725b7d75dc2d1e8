package io.tflc.lc.verify;

import io.tflc.lc.data.Dataset;
import io.tflc.lc.data.Minibatches;
import io.tflc.lc.evaluation.Predictions;
import io.tflc.savedmodels.SavedModelSize;
import io.tflc.savedmodels.safety.ModelTrust;
import io.tflc.savedmodels.safety.OpScan;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Tensor;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.types.TFloat32;

/**
 * Runs an original and a compressed SavedModel as a serving pipeline does (plain {@code SavedModelBundle},
 * signature {@code serving_default}) on the same data, and measures both side by side.
 */
public final class Verifier {
    private static final int LATENCY_ROUNDS = 41;

    private Verifier() {
    }

    /**
     * Input shape of a SavedModel's serving signature without the batch dimension, e.g. [784] or [28, 28, 1], read
     * from its graph file after the op scan (nothing runs).
     */
    public static int[] exampleShape(Path model, ModelTrust trust) {
        SignatureDef signature = OpScan.require(model, trust).getSignatureDefMap().get("serving_default");
        if (signature == null || signature.getInputsCount() == 0) {
            throw new IllegalArgumentException(model + " has no serving_default signature with an input");
        }
        return signature.getInputsMap().values().iterator().next().getTensorShape().getDimList().stream().skip(1)
                .mapToInt(d -> Math.toIntExact(d.getSize())).toArray();
    }

    /** Both models' ops are scanned ({@link OpScan}) before either is loaded. */
    public static Verification compare(Path original, Path compressed, Dataset data, int batchSize, ModelTrust trust)
            throws IOException {
        OpScan.require(original, trust);
        OpScan.require(compressed, trust);
        try (SavedModelBundle a = SavedModelBundle.load(original.toString(), "serve");
             SavedModelBundle b = SavedModelBundle.load(compressed.toString(), "serve");
             Minibatches batches = new Minibatches(data, batchSize)) {
            Served first = new Served(a.function("serving_default"));
            Served second = new Served(b.function("serving_default"));
            long[] counts = new long[3]; // original right, compressed right, same prediction
            batches.forEachInOrder(batch -> {
                float[] targets = new float[batch.size()];
                batch.targets().asRawTensor().data().asFloats().read(targets);
                int[] p = first.predict(batch.features());
                int[] q = second.predict(batch.features());
                for (int i = 0; i < targets.length; i++) {
                    counts[0] += p[i] == (int) targets[i] ? 1 : 0;
                    counts[1] += q[i] == (int) targets[i] ? 1 : 0;
                    counts[2] += p[i] == q[i] ? 1 : 0;
                }
            });
            double[][] millis = new double[2][LATENCY_ROUNDS];
            int[] round = {0};
            batches.forEachInOrder(batch -> {
                if (round[0] == 0 && batch.size() == batches.batchSize()) {
                    // Warm-up, then alternate the two models so that machine noise hits both alike.
                    for (int r = 0; r < 5; r++) {
                        first.predict(batch.features());
                        second.predict(batch.features());
                    }
                    for (int r = 0; r < LATENCY_ROUNDS; r++) {
                        millis[0][r] = first.time(batch.features());
                        millis[1][r] = second.time(batch.features());
                    }
                    round[0]++;
                }
            });
            return new Verification(data.size(), (double) counts[0] / data.size(), (double) counts[1] / data.size(),
                    (double) counts[2] / data.size(), SavedModelSize.of(original), SavedModelSize.of(compressed),
                    median(millis[0]), median(millis[1]), batches.batchSize());
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** One model's serving function with its only input and output. */
    private static final class Served {
        private final SessionFunction function;
        private final String input;
        private final String output;

        Served(SessionFunction function) {
            this.function = function;
            this.input = function.signature().inputNames().iterator().next();
            this.output = function.signature().outputNames().iterator().next();
        }

        int[] predict(TFloat32 features) {
            try (Result result = function.call(Map.<String, Tensor>of(input, features))) {
                return Predictions.argmax((TFloat32) result.get(output).orElseThrow());
            }
        }

        double time(TFloat32 features) {
            long start = System.nanoTime();
            try (Result ignored = function.call(Map.<String, Tensor>of(input, features))) {
                return (System.nanoTime() - start) / 1e6;
            }
        }
    }
}
