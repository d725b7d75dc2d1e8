package io.tflc.lc.distributed;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tflc.lc.algorithm.LStepSettings;
import io.tflc.lc.algorithm.LcReport;
import io.tflc.lc.algorithm.LcRun;
import io.tflc.lc.report.ReportWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** The workers of a run in its report: address, examples per pass (its shard) and L-step updates, each. */
public final class WorkersReport {
    private WorkersReport() {
    }

    /**
     * Adds a {@code workers} array to {@code reportJson} and says the same as a notice.
     *
     * @throws IOException when the report cannot be read or written
     */
    public static void add(Path reportJson, Cluster cluster, LStepSettings settings, LcReport report,
                           int trainingExamples, LcRun.Listener listener) throws IOException {
        int n = cluster.size();
        int local = new Replica(0, n).localBatch(settings.batchSize());
        int stepsPerEpoch = trainingExamples / (local * n);
        long epochs = 0;
        for (int j = 0; j < report.schedule().steps(); j++) {
            epochs += settings.epochs(j);
        }
        JsonArray workers = new JsonArray();
        for (int i = 0; i < n; i++) {
            JsonObject w = new JsonObject();
            w.addProperty("worker", i);
            w.addProperty("address", cluster.workers().get(i));
            w.addProperty("shard_examples_per_epoch", stepsPerEpoch * local);
            w.addProperty("local_batch", local);
            w.addProperty("updates", epochs * stepsPerEpoch);
            workers.add(w);
            listener.notice(String.format(Locale.ROOT, "worker %d (%s): %,d examples per epoch in batches of %d, "
                    + "%,d updates in %d epochs", i, cluster.workers().get(i), stepsPerEpoch * local, local,
                    epochs * stepsPerEpoch, epochs));
        }
        JsonObject root = JsonParser.parseString(Files.readString(reportJson, StandardCharsets.UTF_8))
                .getAsJsonObject();
        root.add("workers", workers);
        ReportWriter.atomically(reportJson, (new GsonBuilder().setPrettyPrinting().create().toJson(root) + "\n")
                .getBytes(StandardCharsets.UTF_8));
    }
}
