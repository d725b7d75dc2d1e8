package io.tflc.lc.data;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

/**
 * Makes minibatches on a thread of its own while the caller's thread trains on the one before: the streamed
 * minibatch (a session run of {@code Gather}, decoding and preprocessing, sometimes a block read) then overlaps the
 * training step instead of preceding it, on the part of the two cores the training step leaves idle. The producer
 * hands over each batch (its tensors) and its ownership; the consumer's thread runs the consumer on it and closes it.
 * At most {@value #AHEAD} batches wait, so a few minibatches' tensors are alive at a time.
 *
 * <p>Errors keep their type and message: whatever the producer throws is thrown again on the consumer's thread; if
 * the consumer throws, the producer is stopped and every batch it made is closed before the error goes on.
 */
final class BatchPrefetch {
    /** Batches made ahead and waiting for the consumer. */
    static final int AHEAD = 1;

    /** Makes a pass's batches, in order, into a sink that takes ownership of each. */
    interface Producer<T extends AutoCloseable> {
        void produce(Consumer<T> sink);
    }

    private sealed interface Item permits Ready, End, Failed {
    }

    private record Ready(AutoCloseable batch) implements Item {
    }

    private record End() implements Item {
    }

    private record Failed(Throwable error) implements Item {
    }

    /** Thrown inside the producer once the consumer has stopped taking batches. */
    private static final class Stopped extends RuntimeException {
        Stopped() {
            super(null, null, false, false);
        }
    }

    private BatchPrefetch() {
    }

    /** Runs {@code producer} on a thread named {@code name} and {@code consumer} on each of its batches, here. */
    static <T extends AutoCloseable> void run(String name, Producer<T> producer, Consumer<T> consumer) {
        BlockingQueue<Item> queue = new ArrayBlockingQueue<>(AHEAD);
        Thread thread = new Thread(() -> {
            try {
                producer.produce(batch -> put(queue, new Ready(batch)));
                put(queue, new End());
            } catch (Stopped stopped) {
                // the consumer has gone: nothing to report
            } catch (Throwable e) {
                try {
                    put(queue, new Failed(e));
                } catch (Stopped stopped) {
                    // the consumer has gone and has its own error
                }
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        try {
            while (true) {
                Item item = take(queue);
                if (item instanceof End) {
                    return;
                }
                if (item instanceof Failed failed) {
                    throw rethrown(failed.error());
                }
                @SuppressWarnings("unchecked")
                T batch = (T) ((Ready) item).batch();
                try {
                    consumer.accept(batch);
                } finally {
                    close(batch);
                }
            }
        } finally {
            stop(thread, queue);
        }
    }

    /** Puts {@code item}, waiting for room; a batch that cannot be handed over (the consumer stopped) is closed. */
    private static void put(BlockingQueue<Item> queue, Item item) {
        try {
            queue.put(item);
        } catch (InterruptedException e) {
            if (item instanceof Ready ready) {
                close(ready.batch());
            }
            throw new Stopped();
        }
    }

    private static Item take(BlockingQueue<Item> queue) {
        try {
            return queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the next streamed minibatch", e);
        }
    }

    /** Ends the producer (interrupting a wait for room, letting a session run finish) and closes what it left. */
    private static void stop(Thread thread, BlockingQueue<Item> queue) {
        thread.interrupt();
        boolean interrupted = false;
        while (thread.isAlive()) {
            closeAll(queue);
            try {
                thread.join(100);
            } catch (InterruptedException e) {
                interrupted = true;
            }
            thread.interrupt();
        }
        closeAll(queue);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeAll(BlockingQueue<Item> queue) {
        for (Item item; (item = queue.poll()) != null; ) {
            if (item instanceof Ready ready) {
                close(ready.batch());
            }
        }
    }

    private static void close(AutoCloseable batch) {
        try {
            batch.close();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("closing a prefetched minibatch failed", e);
        }
    }

    private static RuntimeException rethrown(Throwable error) {
        if (error instanceof RuntimeException runtime) {
            return runtime;
        }
        if (error instanceof Error fatal) {
            throw fatal;
        }
        return new IllegalStateException(error);
    }
}
