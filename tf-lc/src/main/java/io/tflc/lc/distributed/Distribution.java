package io.tflc.lc.distributed;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;

/**
 * How a run spreads over workers: the cluster, which worker this process is, and (worker 0 on one host) the plan the
 * followers it starts run, as JSON text with the folder its relative paths are relative to.
 *
 * @param launch whether this process starts the other workers as child processes (loopback {@code --workers N});
 *     with a cluster file each host starts its own worker ({@code --worker I})
 */
public record Distribution(Cluster cluster, int index, boolean launch, String planJson, Path planBase) {
    public Distribution {
        if (index < 0 || index >= cluster.size()) {
            throw new IllegalArgumentException("--worker " + index + " is not a worker of the cluster (0 to "
                    + (cluster.size() - 1) + ")");
        }
    }

    /**
     * What a plan and a command line ask for: {@code workers} on loopback (a plan's {@code "workers"}, overridden by a
     * command line's {@code --workers} when not null), or the cluster in a file ({@code "cluster"} or
     * {@code --cluster}) as worker {@code task} ({@code --worker}); null for one process.
     *
     * @throws IOException when the cluster file cannot be read
     */
    public static Distribution of(JsonObject plan, Path base, Integer workers, Path clusterFile, int task)
            throws IOException {
        int n = workers != null ? workers : plan.has("workers") ? plan.get("workers").getAsInt() : 1;
        Path file = clusterFile != null ? clusterFile
                : plan.has("cluster") ? base.resolve(plan.get("cluster").getAsString()) : null;
        String text = plan.toString();
        if (file != null) {
            Cluster cluster = Cluster.read(file);
            if (workers != null && workers != cluster.size()) {
                throw new IllegalArgumentException("--workers " + workers + " but the cluster file " + file + " names "
                        + cluster.size() + " workers: give one of them");
            }
            return new Distribution(cluster, task, false, text, base);
        }
        if (n < 1) {
            throw new IllegalArgumentException("workers must be ≥ 1 (got " + n + ")");
        }
        return n == 1 ? null : new Distribution(Cluster.loopback(n), 0, true, text, base);
    }

    /** The plan's {@code workers} and {@code cluster} keys, which do not change what a run computes. */
    public static JsonObject withoutKeys(JsonObject plan) {
        JsonObject copy = plan.deepCopy();
        copy.remove("workers");
        copy.remove("cluster");
        return copy;
    }

    /** Whether a plan asks for more than one worker or a cluster. */
    public static boolean asked(JsonElement plan) {
        return plan.isJsonObject() && (plan.getAsJsonObject().has("cluster")
                || plan.getAsJsonObject().has("workers") && plan.getAsJsonObject().get("workers").getAsInt() != 1);
    }

    public Replica replica() {
        return new Replica(index, cluster.size());
    }
}
