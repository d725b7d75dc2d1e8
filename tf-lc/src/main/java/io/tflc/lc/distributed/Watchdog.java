package io.tflc.lc.distributed;

import io.tflc.lc.algorithm.LcReport;
import io.tflc.lc.algorithm.LcRun;
import io.tflc.lc.algorithm.Row;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Ends this worker's process when its run makes no progress (no minibatch, epoch, row or notice) for a while: a
 * worker whose peer died on another host waits in TF's all-reduce, which TF retries for long and Java cannot
 * interrupt. The limit ({@value #DEFAULT_SECONDS} s, or the system property {@code tflc.stallSeconds}) must exceed
 * the longest quiet stretch of a healthy run: loading, one evaluation, one minibatch.
 */
public final class Watchdog implements AutoCloseable {
    static final long DEFAULT_SECONDS = 600;
    private final String worker;
    private final long limitNanos;
    private volatile long last = System.nanoTime();
    private volatile boolean closed;

    private Watchdog(String worker, long seconds) {
        this.worker = worker;
        this.limitNanos = seconds * 1_000_000_000L;
    }

    /** Starts watching; {@code worker} names this process in the message. */
    public static Watchdog start(String worker) {
        Watchdog dog = new Watchdog(worker, Long.getLong("tflc.stallSeconds", DEFAULT_SECONDS));
        Thread thread = new Thread(dog::watch, "tf-lc stall watchdog");
        thread.setDaemon(true);
        thread.start();
        return dog;
    }

    public void progress() {
        last = System.nanoTime();
    }

    private void watch() {
        while (true) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            if (closed) {
                return;
            }
            if (System.nanoTime() - last > limitNanos) {
                System.err.println("tf-lc: " + worker + " made no progress for " + limitNanos / 1_000_000_000L
                        + " s (a peer is gone or unreachable): stopping. The last checkpoint stays: rerun with "
                        + "--resume.");
                System.err.flush();
                Runtime.getRuntime().halt(WorkerLauncher.WATCHDOG_EXIT);
            }
        }
    }

    /** Ends this process when its standard input closes: the process that started it has ended. */
    public static void followParent(String worker) {
        Thread thread = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // Nothing is sent; reading only waits for the end.
                }
            } catch (IOException e) {
                // A broken pipe is an end too.
            }
            System.err.println("tf-lc: " + worker + ": the leading process ended: stopping");
            System.err.flush();
            Runtime.getRuntime().halt(WorkerLauncher.WATCHDOG_EXIT);
        }, "tf-lc parent watchdog");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops watching: the run is over. */
    @Override
    public void close() {
        closed = true;
    }

    /** {@code listener}, with every event counted as progress. */
    public LcRun.Listener watching(LcRun.Listener listener) {
        return new LcRun.Listener() {
            @Override
            public void stepStarted(int step, int steps, double mu, int epochs, int batchesPerEpoch) {
                progress();
                listener.stepStarted(step, steps, mu, epochs, batchesPerEpoch);
            }

            @Override
            public void batchFinished() {
                progress();
                listener.batchFinished();
            }

            @Override
            public void epochFinished(int step, int epoch, double loss) {
                progress();
                listener.epochFinished(step, epoch, loss);
            }

            @Override
            public void row(Row row) {
                progress();
                listener.row(row);
            }

            @Override
            public void notice(String message) {
                progress();
                listener.notice(message);
            }

            @Override
            public void reportWritten(LcReport report, Path folder, String title) throws IOException {
                progress();
                listener.reportWritten(report, folder, title);
            }
        };
    }
}
