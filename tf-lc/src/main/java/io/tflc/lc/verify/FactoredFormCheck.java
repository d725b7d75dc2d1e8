package io.tflc.lc.verify;

import io.tflc.compressors.LowRankFactors;
import io.tflc.lc.data.Dataset;
import io.tflc.savedmodels.Folders;
import io.tflc.savedmodels.ModelExporter;
import io.tflc.savedmodels.TrainableModel;
import io.tflc.savedmodels.safety.ModelTrust;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether each factored layer of an export pays in latency: fewer FLOPs do not always mean less time (two
 * thin ops can cost more than one dense op on blocked CPU kernels). For each factored task, the same model is
 * exported once more with that task in the dense form and both are served side by side
 * ({@link ServingLatency}, {@value #REPETITIONS} repetitions); a factored layer whose every repetition is slower
 * is reported as a warning, with the measured ratio and the fix. With an alignment a &gt; 1, a factored task whose
 * rank r is not a multiple of a (a fixed rank the user gave is kept as given) is also served beside the same export
 * with its factors truncated to the multiple below, ⌊r/a⌋·a: CPU kernels process channels in blocks, so the
 * smaller rank may be faster for little error; when every repetition says so, a warning gives the ratio and the rank.
 */
public final class FactoredFormCheck {
    private static final int REPETITIONS = 3;

    private FactoredFormCheck() {
    }

    /**
     * One line per factored task of {@code tasks} (exported as {@code exported}): the latency ratio factored/dense,
     * starting with "warning:" when the factored form is slower. Scratch exports go under {@code scratch} and are
     * deleted.
     */
    public static List<String> check(TrainableModel model, List<ModelExporter.CompressedTask> tasks, Path exported,
                                     Dataset data, Path scratch, ModelTrust trust) throws IOException {
        return check(model, tasks, exported, data, scratch, trust, 1);
    }

    /**
     * {@link #check(TrainableModel, List, Path, Dataset, Path, ModelTrust)}, and for each factored task whose rank is
     * not a multiple of {@code alignment} (with one below it), one more line: the latency ratio of the rank rounded
     * down to {@code alignment} against the export's, starting with "warning:" when the rounded rank is faster.
     */
    public static List<String> check(TrainableModel model, List<ModelExporter.CompressedTask> tasks, Path exported,
                                     Dataset data, Path scratch, ModelTrust trust, int alignment) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int t = 0; t < tasks.size(); t++) {
            ModelExporter.CompressedTask task = tasks.get(t);
            if (!task.exportedFactored()) {
                continue;
            }
            List<ModelExporter.CompressedTask> dense = new ArrayList<>(tasks);
            dense.set(t, new ModelExporter.CompressedTask(task.weights(), task.view(), task.theta(),
                    ModelExporter.Form.DENSE));
            Path denseModel = scratch.resolve("dense-form-" + t);
            try {
                ModelExporter.write(model, dense, denseModel, true);
                ServingLatency latency = ServingLatency.measure(denseModel, exported, data, 256, REPETITIONS, trust);
                String ratio = String.format(Locale.ROOT, "%.3f (%.3f–%.3f, %d repetitions)", latency.ratio(),
                        latency.minRatio(), latency.maxRatio(), REPETITIONS);
                lines.add(latency.minRatio() > 1
                        ? "warning: the factored form of " + task.weights() + " serves slower than its dense form: "
                        + "latency ratio factored/dense " + ratio + "; export it with \"form\": \"dense\" (or a "
                        + "lower rank)"
                        : "factored form of " + task.weights() + ": latency ratio factored/dense " + ratio);
            } finally {
                Folders.deleteRecursively(denseModel);
            }
            if (task.theta() instanceof LowRankFactors factors && factors.rank() % alignment != 0
                    && factors.rank() > alignment) {
                lines.add(roundedRank(model, tasks, t, factors, alignment, exported, data, scratch, trust));
            }
        }
        return lines;
    }

    /** Serves task {@code t} with its factors truncated to the aligned rank below beside the export. */
    private static String roundedRank(TrainableModel model, List<ModelExporter.CompressedTask> tasks, int t,
                                      LowRankFactors factors, int alignment, Path exported, Dataset data,
                                      Path scratch, ModelTrust trust) throws IOException {
        ModelExporter.CompressedTask task = tasks.get(t);
        int rounded = factors.rank() / alignment * alignment;
        List<ModelExporter.CompressedTask> smaller = new ArrayList<>(tasks);
        smaller.set(t, new ModelExporter.CompressedTask(task.weights(), task.view(), factors.truncated(rounded),
                task.form()));
        Path roundedModel = scratch.resolve("rank-" + rounded + "-" + t);
        try {
            ModelExporter.write(model, smaller, roundedModel, true);
            ServingLatency latency = ServingLatency.measure(exported, roundedModel, data, 256, REPETITIONS, trust);
            String ratio = String.format(Locale.ROOT, "%.3f (%.3f–%.3f, %d repetitions)", latency.ratio(),
                    latency.minRatio(), latency.maxRatio(), REPETITIONS);
            return latency.maxRatio() < 1
                    ? "warning: " + task.weights() + " has rank " + factors.rank() + ", not a multiple of the "
                    + "alignment " + alignment + "; rank " + rounded + " serves faster: latency ratio rank " + rounded
                    + "/rank " + factors.rank() + " " + ratio + " (give rank " + rounded + " if its error is "
                    + "acceptable)"
                    : "rank " + factors.rank() + " of " + task.weights() + " against rank " + rounded + " (the "
                    + "alignment " + alignment + "): latency ratio rank " + rounded + "/rank " + factors.rank() + " "
                    + ratio;
        } finally {
            Folders.deleteRecursively(roundedModel);
        }
    }

}
