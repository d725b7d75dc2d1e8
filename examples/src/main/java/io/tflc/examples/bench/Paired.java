package io.tflc.examples.bench;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Two actions timed side by side: each runs once to warm up, then they alternate on the same input (e.g. one
 * minibatch order) {@code repetitions} times, so that the machine's noise falls on both alike.
 *
 * @param first seconds of the first action
 * @param second seconds of the second action
 * @param ratio second / first, pair by pair
 */
record Paired(Sample first, Sample second, Sample ratio) {

    static <T> Paired time(int repetitions, Supplier<T> input, Consumer<T> first, Consumer<T> second) {
        first.accept(input.get());
        second.accept(input.get());
        Paired paired = new Paired(new Sample(repetitions), new Sample(repetitions), new Sample(repetitions));
        for (int r = 0; r < repetitions; r++) {
            T in = input.get();
            long t0 = System.nanoTime();
            first.accept(in);
            long t1 = System.nanoTime();
            second.accept(in);
            long t2 = System.nanoTime();
            paired.first.add((t1 - t0) / 1e9);
            paired.second.add((t2 - t1) / 1e9);
            paired.ratio.add((double) (t2 - t1) / (t1 - t0));
        }
        return paired;
    }
}
