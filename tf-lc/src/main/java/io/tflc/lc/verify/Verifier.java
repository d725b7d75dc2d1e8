package io.tflc.lc.verify;

import io.tflc.lc.data.Dataset;
import io.tflc.lc.data.Minibatches;
import io.tflc.lc.objective.Distillation;
import io.tflc.lc.objective.Objective;
import io.tflc.lc.objective.Regression;
import io.tflc.lc.objective.SigmoidCrossEntropy;
import io.tflc.savedmodels.SavedModelReader;
import io.tflc.savedmodels.SavedModelSize;
import io.tflc.savedmodels.safety.ModelTrust;
import io.tflc.savedmodels.safety.OpScan;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Tensor;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.types.TFloat32;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

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

    /** A classifier's check (class-index labels); see {@link #compare(Path, Path, Dataset, int, ModelTrust, Kind)}. */
    public static Verification compare(Path original, Path compressed, Dataset data, int batchSize, ModelTrust trust)
            throws IOException {
        return compare(original, compressed, data, batchSize, trust, Kind.CLASSES);
    }

    /** How a served output is read: the argmax class, probability above one half, or values to fit. */
    public enum Kind {
        CLASSES, BINARY, REGRESSION;

        /** The kind of a model trained under {@code objective}. */
        public static Kind of(Objective objective) {
            Objective o = objective instanceof Distillation d ? d.base() : objective;
            return o instanceof SigmoidCrossEntropy ? BINARY : o instanceof Regression ? REGRESSION : CLASSES;
        }
    }

    /** The batch size the original's signature insists on (TF1 exports often fix one), or 0 for any. */
    private static int fixedBatch(SavedModelBundle original) {
        var input = original.metaGraphDef().getSignatureDefOrThrow("serving_default").getInputsMap().values()
                .iterator().next().getTensorShape();
        return input.getUnknownRank() || input.getDimCount() == 0 ? 0 : (int) Math.max(0, input.getDim(0).getSize());
    }

    /**
     * Runs both models on {@code data} as a serving pipeline does: classifiers are measured by accuracy and agreement,
     * regression models by MAE. Both models' ops are scanned ({@link OpScan}) before either is loaded.
     */
    public static Verification compare(Path original, Path compressed, Dataset data, int batchSize, ModelTrust trust,
                                       Kind kind) throws IOException {
        return compare(original, compressed, data, batchSize, trust, kind, 0);
    }

    /**
     * {@link #compare(Path, Path, Dataset, int, ModelTrust, Kind)} with both sessions limited to {@code threads}
     * threads (intra- and inter-op; 0: TF's default, all cores): a server running one model per core sees other
     * latencies than one model on all cores.
     */
    public static Verification compare(Path original, Path compressed, Dataset data, int batchSize, ModelTrust trust,
                                       Kind kind, int threads) throws IOException {
        OpScan.require(original, trust);
        OpScan.require(compressed, trust);
        try (SavedModelBundle a = load(original, threads);
             SavedModelBundle b = load(compressed, threads);
             Minibatches batches = batchesFor(a, data, batchSize)) {
            Served first = new Served(a, original);
            Served second = new Served(b, compressed);
            long[] counts = new long[3]; // original right, compressed right, same prediction
            double[] absolute = new double[2]; // regression: summed |output − target| of each
            long[] values = {0};
            batches.forEachInOrder(batch -> {
                float[] targets = new float[Math.toIntExact(batch.targets().shape().size())];
                batch.targets().asRawTensor().data().asFloats().read(targets);
                float[] p = first.outputs(batch.features());
                float[] q = second.outputs(batch.features());
                if (kind == Kind.REGRESSION) {
                    // A padded batch's real rows come first.
                    int real = targets.length / Math.toIntExact(batch.targets().shape().size(0)) * batch.size();
                    for (int i = 0; i < real; i++) {
                        absolute[0] += Math.abs(p[i] - targets[i]);
                        absolute[1] += Math.abs(q[i] - targets[i]);
                    }
                    values[0] += real;
                    return;
                }
                // The outputs have a row per fed example: a padded batch feeds more rows than it holds.
                int fed = Math.toIntExact(batch.features().shape().size(0));
                int[] pc = classes(p, fed, kind);
                int[] qc = classes(q, fed, kind);
                for (int i = 0; i < batch.size(); i++) {
                    counts[0] += pc[i] == (int) targets[i] ? 1 : 0;
                    counts[1] += qc[i] == (int) targets[i] ? 1 : 0;
                    counts[2] += pc[i] == qc[i] ? 1 : 0;
                }
            });
            double[][] millis = new double[2][LATENCY_ROUNDS];
            int[] round = {0};
            batches.forEachInOrder(batch -> {
                // A whole batch as fed (a padded one is whole too: a data set smaller than a fixed batch is timed).
                if (round[0] == 0 && batch.features().shape().size(0) == batches.batchSize()) {
                    // Warm-up, then alternate the two models so that machine noise hits both alike.
                    for (int r = 0; r < 5; r++) {
                        first.outputs(batch.features());
                        second.outputs(batch.features());
                    }
                    for (int r = 0; r < LATENCY_ROUNDS; r++) {
                        millis[0][r] = first.time(batch.features());
                        millis[1][r] = second.time(batch.features());
                    }
                    round[0]++;
                }
            });
            boolean regression = kind == Kind.REGRESSION;
            double n = data.size();
            return new Verification(data.size(), regression ? Double.NaN : counts[0] / n,
                    regression ? Double.NaN : counts[1] / n, regression ? Double.NaN : counts[2] / n,
                    regression ? absolute[0] / values[0] : Double.NaN, regression ? absolute[1] / values[0] : Double.NaN,
                    SavedModelSize.of(original), SavedModelSize.of(compressed), median(millis[0]), median(millis[1]),
                    batches.batchSize());
        }
    }

    private static SavedModelBundle load(Path model, int threads) {
        SavedModelBundle.Loader loader = SavedModelBundle.loader(model.toString()).withTags("serve");
        if (threads > 0) {
            loader = loader.withConfigProto(org.tensorflow.proto.ConfigProto.newBuilder()
                    .setIntraOpParallelismThreads(threads).setInterOpParallelismThreads(threads).build());
        }
        return loader.load();
    }

    /** Each row's class: argmax, or probability above one half for a one-unit sigmoid output. */
    /** Batches of the graph's fixed size, padded, when its signature takes only one size; else of {@code batchSize}. */
    private static Minibatches batchesFor(SavedModelBundle model, Dataset data, int batchSize) {
        int fixed = fixedBatch(model);
        return fixed > 0 ? Minibatches.exactly(data, fixed) : new Minibatches(data, batchSize);
    }

    private static int[] classes(float[] outputs, int rows, Kind kind) {
        int width = outputs.length / rows;
        int[] c = new int[rows];
        for (int i = 0; i < rows; i++) {
            if (kind == Kind.BINARY) {
                c[i] = outputs[i * width] > 0.5f ? 1 : 0;
            } else {
                for (int k = 1; k < width; k++) {
                    if (outputs[i * width + k] > outputs[i * width + c[i]]) {
                        c[i] = k;
                    }
                }
            }
        }
        return c;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /**
     * One model's serving function with its only input and the output compress trains (the only one, or the only
     * float one: {@link SavedModelReader#pickOutput}).
     */
    private static final class Served {
        private final SessionFunction function;
        private final String input;
        private final String output;

        Served(SavedModelBundle bundle, Path dir) {
            this.function = bundle.function("serving_default");
            this.input = function.signature().inputNames().iterator().next();
            this.output = SavedModelReader.pickOutput(bundle.metaGraphDef().getSignatureDefOrThrow("serving_default")
                    .getOutputsMap(), null, dir);
        }

        float[] outputs(TFloat32 features) {
            try (Result result = function.call(Map.<String, Tensor>of(input, features))) {
                TFloat32 y = (TFloat32) result.get(output).orElseThrow();
                float[] v = new float[Math.toIntExact(y.shape().size())];
                y.asRawTensor().data().asFloats().read(v);
                return v;
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
