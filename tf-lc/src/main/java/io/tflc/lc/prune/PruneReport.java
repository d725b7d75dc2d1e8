package io.tflc.lc.prune;

import io.tflc.lc.data.Dataset;
import io.tflc.lc.evaluation.Predictions;
import io.tflc.savedmodels.TrainableModel;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What structured pruning did: units kept per layer, the layers left whole and why, accuracy of both models,
 * agreement, parameters, FLOPs per example, and bytes on disk when exported.
 */
public record PruneReport(String method, Map<String, Integer> kept, Map<String, String> notPruned,
                          double originalAccuracy, double prunedAccuracy, double agreement, long originalParameters,
                          long prunedParameters, long originalFlops, long prunedFlops, long originalBytes,
                          long prunedBytes) {

    public PruneReport {
        kept = Collections.unmodifiableMap(new LinkedHashMap<>(kept));
        notPruned = Collections.unmodifiableMap(new LinkedHashMap<>(notPruned));
    }

    public String table() {
        StringBuilder whole = new StringBuilder();
        notPruned.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> whole.append("- ")
                .append(e.getKey()).append(": ").append(e.getValue()).append('\n'));
        return String.format(Locale.ROOT, """
                | | original | pruned (%s) |
                | --- | ---: | ---: |
                | accuracy | %.2f%% | %.2f%% |
                | agreement with the original | | %.2f%% |
                | parameters | %,d | %,d (%.1f%%) |
                | FLOPs per example | %,d | %,d (%.1f%%) |
                | bytes on disk | %s | %s |
                units kept: %s
                """, method, 100 * originalAccuracy, 100 * prunedAccuracy, 100 * agreement, originalParameters,
                prunedParameters, 100.0 * prunedParameters / originalParameters, originalFlops, prunedFlops,
                100.0 * prunedFlops / originalFlops, originalBytes < 0 ? "–" : String.format(Locale.ROOT, "%,d",
                        originalBytes), prunedBytes < 0 ? "–" : String.format(Locale.ROOT, "%,d", prunedBytes), kept)
                + (whole.isEmpty() ? "" : "layers whose units are all kept:\n" + whole);
    }

    /**
     * Measures the original and the pruned model on {@code test} (accuracy, agreement) and counts their parameters
     * and FLOPs; {@code originalBytes}/{@code prunedBytes} are sizes on disk, −1 when not exported.
     */
    public static PruneReport measure(String method, Map<String, Integer> kept, Map<String, String> notPruned,
                              TrainableModel original, TrainableModel pruned, Dataset test, long originalBytes,
                              long prunedBytes) {
        int[] before = Predictions.of(original, test);
        int[] after = Predictions.of(pruned, test);
        return new PruneReport(method, kept, notPruned, Predictions.accuracy(before, test),
                Predictions.accuracy(after, test), Predictions.agreement(before, after),
                StructuredPruner.parameters(original), StructuredPruner.parameters(pruned),
                StructuredPruner.flops(original), StructuredPruner.flops(pruned), originalBytes, prunedBytes);
    }
}
