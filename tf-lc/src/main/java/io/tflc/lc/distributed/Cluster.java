package io.tflc.lc.distributed;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.proto.ClusterDef;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.JobDef;
import org.tensorflow.proto.ServerDef;

/**
 * The workers of one run, {@code host:port} each, all in one TF job {@code worker}; worker 0 leads the collectives
 * and is the one that writes. A cluster file holds one {@code host:port} a line ({@code #} starts a comment).
 */
public record Cluster(List<String> workers) {
    public static final String JOB = "worker";
    /** How long a collective or a run may wait on a peer before TF gives up (the watchdog is faster on one host). */
    static final long OPERATION_TIMEOUT_MS = 10 * 60_000;

    public Cluster {
        workers = List.copyOf(workers);
        if (workers.isEmpty()) {
            throw new IllegalArgumentException("a cluster needs at least one worker");
        }
        for (String w : workers) {
            int colon = w.lastIndexOf(':');
            if (colon < 1 || !w.substring(colon + 1).matches("\\d{1,5}")) {
                throw new IllegalArgumentException("cluster worker '" + w + "' is not host:port");
            }
        }
    }

    /** {@code n} workers on 127.0.0.1, on ports free now (the OS's choice; they are bound again at once). */
    public static Cluster loopback(int n) throws IOException {
        if (n < 1) {
            throw new IllegalArgumentException("--workers must be ≥ 1 (got " + n + ")");
        }
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            List<String> workers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                // All held open together so that the OS hands out n different ports.
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(socket);
                workers.add("127.0.0.1:" + socket.getLocalPort());
            }
            return new Cluster(workers);
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    /**
     * The cluster a file lists.
     *
     * @throws IOException when the file is missing or names no worker
     */
    public static Cluster read(Path file) throws IOException {
        List<String> workers = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String w = line.replaceFirst("#.*", "").strip();
                if (!w.isEmpty()) {
                    workers.add(w);
                }
            }
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no cluster file (one host:port a line)");
        }
        if (workers.isEmpty()) {
            throw new IOException(file + " names no worker; write one host:port a line, worker 0 first");
        }
        try {
            return new Cluster(workers);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** The file form {@link #read} reads. */
    public String text() {
        return String.join("\n", workers) + "\n";
    }

    public int size() {
        return workers.size();
    }

    /** The server definition of worker {@code index}. */
    public ServerDef serverDef(int index) {
        JobDef.Builder job = JobDef.newBuilder().setName(JOB);
        for (int i = 0; i < workers.size(); i++) {
            job.putTasks(i, workers.get(i));
        }
        return ServerDef.newBuilder().setCluster(ClusterDef.newBuilder().addJob(job)).setJobName(JOB)
                .setTaskIndex(index).setProtocol("grpc").setDefaultSessionConfig(sessionConfig(index)).build();
    }

    /**
     * The configuration of worker {@code index}'s server and session: the collective leader (both need it), the
     * local task only (a replica's ops run at home; peers are reached by the collectives alone), and a timeout.
     */
    public ConfigProto sessionConfig(int index) {
        ConfigProto.Builder config = ConfigProto.newBuilder().addDeviceFilters(device(index))
                .setOperationTimeoutInMs(OPERATION_TIMEOUT_MS);
        config.getExperimentalBuilder().setCollectiveGroupLeader(device(0));
        return config.build();
    }

    /** The target a session of worker {@code index} runs on. */
    public String target(int index) {
        return "grpc://" + workers.get(index);
    }

    private static String device(int index) {
        return "/job:" + JOB + "/replica:0/task:" + index;
    }
}
