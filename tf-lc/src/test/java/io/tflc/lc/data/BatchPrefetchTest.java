package io.tflc.lc.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The hand-over of streamed minibatches between threads: order, ownership (each batch closed once, whoever fails) and
 * errors (the producer's thrown again, unchanged, on the consumer's thread). The streamed runs themselves go through it
 * in {@link StreamedRunTest} and {@link TfRecordStreamTest}; batches here count their closes, which TF tensors cannot.
 */
class BatchPrefetchTest {

    /** A batch that counts how often it is closed. */
    private static final class Counted implements AutoCloseable {
        final int number;
        final AtomicInteger closes = new AtomicInteger();

        Counted(int number) {
            this.number = number;
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    private static List<Counted> made() {
        return java.util.Collections.synchronizedList(new ArrayList<>());
    }

    @Test
    void everyBatchArrivesInOrderAndIsClosedOnce() {
        List<Counted> made = made();
        List<Integer> seen = new ArrayList<>();
        BatchPrefetch.<Counted>run("test producer", sink -> {
            for (int i = 0; i < 50; i++) {
                Counted c = new Counted(i);
                made.add(c);
                sink.accept(c);
            }
        }, c -> {
            assertEquals(0, c.closes.get(), "a batch was closed before its consumer ran");
            seen.add(c.number);
        });
        assertEquals(50, seen.size());
        for (int i = 0; i < 50; i++) {
            assertEquals(i, seen.get(i));
            assertEquals(1, made.get(i).closes.get(), "batch " + i);
        }
    }

    @Test
    void aFailingConsumerStopsTheProducerAndEveryBatchItMadeIsClosed() {
        List<Counted> made = made();
        Thread[] producer = new Thread[1];
        IllegalStateException failure = new IllegalStateException("consumer failed");
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () ->
                BatchPrefetch.<Counted>run("test producer", sink -> {
                    producer[0] = Thread.currentThread();
                    for (int i = 0; i < 1_000_000; i++) {
                        Counted c = new Counted(i);
                        made.add(c);
                        sink.accept(c);
                    }
                }, c -> {
                    if (c.number == 3) {
                        throw failure;
                    }
                }));
        assertSame(failure, thrown);
        assertTrue(!producer[0].isAlive(), "the producer still runs");
        assertTrue(made.size() < 10, made.size() + " batches made: the producer went on after the consumer failed");
        for (Counted c : made) {
            assertEquals(1, c.closes.get(), "batch " + c.number + " of " + made.size());
        }
    }

    @Test
    void theProducersErrorComesOutUnchangedAfterTheBatchesBeforeIt() {
        List<Counted> made = made();
        List<Integer> seen = new ArrayList<>();
        UncheckedIOException failure = new UncheckedIOException(new IOException("record 3 is corrupt"));
        UncheckedIOException thrown = assertThrows(UncheckedIOException.class, () ->
                BatchPrefetch.<Counted>run("test producer", sink -> {
                    for (int i = 0; i < 3; i++) {
                        Counted c = new Counted(i);
                        made.add(c);
                        sink.accept(c);
                    }
                    throw failure;
                }, c -> seen.add(c.number)));
        assertSame(failure, thrown);
        assertEquals(List.of(0, 1, 2), seen);
        for (Counted c : made) {
            assertEquals(1, c.closes.get(), "batch " + c.number);
        }
    }
}
