package io.tflc.lc.distributed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Starts the followers of a loopback run (workers 1..N-1) as child JVMs with this process's class path, each
 * running {@link WorkerMain} on a {@link WorkerSpec}, its output in {@code worker-I.log}; and watches them: a follower
 * that exits before the run is done stops the run with a message naming it and its log ({@link #failure}), and ends
 * this process when the run has not ended {@value #GRACE_MS} ms later: a thread waiting in TF's native all-reduce
 * cannot be interrupted. A follower in turn ends when this process does (its standard input closes) or stalls.
 */
public final class WorkerLauncher implements AutoCloseable {
    /** Exit status of a process a watchdog ended. */
    public static final int WATCHDOG_EXIT = 3;
    private final List<Process> followers = new ArrayList<>();
    private volatile boolean closing;
    private volatile String failure;
    /** How long the run may take to end by itself after a follower died, before the process is ended. */
    private static final long GRACE_MS = 15_000;

    private WorkerLauncher() {
    }

    /**
     * Starts workers 1..N-1 of {@code base}'s cluster ({@code base} is worker 0's spec) with logs in {@code logs}.
     *
     * @param notice where to say what was started (pid, address, log)
     * @throws IOException when a log or spec cannot be written or a JVM cannot start
     */
    public static WorkerLauncher start(WorkerSpec base, Path logs, Consumer<String> notice) throws IOException {
        Files.createDirectories(logs);
        WorkerLauncher launcher = new WorkerLauncher();
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        try {
            for (int i = 1; i < base.cluster().size(); i++) {
                WorkerSpec spec = new WorkerSpec(base.plan(), base.planBase(), base.fingerprint(), base.title(),
                        base.cluster(), i, base.resume(), base.trust(), base.checkpoints());
                Path specFile = logs.resolve("worker-" + i + ".json");
                spec.write(specFile);
                Path log = logs.resolve("worker-" + i + ".log");
                List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path")));
                String heap = System.getProperty("tflc.worker.heap");
                if (heap != null) {
                    command.add("-Xmx" + heap);
                }
                command.addAll(List.of(WorkerMain.class.getName(), "follow", specFile.toString()));
                Process p = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
                launcher.followers.add(p);
                notice.accept("worker " + i + " (" + base.cluster().get(i) + "): pid " + p.pid() + ", log " + log);
                int index = i;
                p.onExit().thenAccept(done -> launcher.exited(index, base.cluster().get(index), done, log));
            }
        } catch (IOException | RuntimeException e) {
            launcher.close();
            throw e;
        }
        return launcher;
    }

    private void exited(int index, String address, Process process, Path log) {
        if (closing || process.exitValue() == 0) {
            return;
        }
        String message = "worker " + index + " (" + address + ", pid " + process.pid() + ") exited with code "
                + process.exitValue() + " during the run: every worker stops; its log: " + log
                + ". The last checkpoint stays: run the same command with --resume to continue.";
        failure = message;
        System.err.println("tf-lc: " + message);
        System.err.flush();
        destroyAll();
        // TF usually aborts this process's all-reduce at once (the peer's connection is reset), and the run ends with
        // an exception that carries the message; a wait for a peer that TF keeps retrying ends here instead.
        Thread halt = new Thread(() -> {
            try {
                Thread.sleep(GRACE_MS);
            } catch (InterruptedException e) {
                return;
            }
            if (!closing) {
                Runtime.getRuntime().halt(WATCHDOG_EXIT);
            }
        }, "tf-lc worker watchdog");
        halt.setDaemon(true);
        halt.start();
    }

    /**
     * Why the run must stop (a follower died), or null; waits up to {@code wait} for it: TF's all-reduce can fail on
     * the dead follower's reset connection before the JVM has reported the follower's exit (the run then ended 0.1 s
     * after the kill with TF's "Connection reset by peer" and no word of which worker died).
     */
    public String failure(java.time.Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (failure == null && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return failure;
    }

    private void destroyAll() {
        for (Process p : followers) {
            p.destroyForcibly();
        }
    }

    /**
     * Waits up to {@code seconds} for the followers to finish their part (they end after their last L-step), then
     * stops those still running.
     */
    public void awaitFollowers(long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        for (Process p : followers) {
            p.waitFor(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    /** Stops the followers that still run. */
    @Override
    public void close() {
        closing = true;
        destroyAll();
    }
}
