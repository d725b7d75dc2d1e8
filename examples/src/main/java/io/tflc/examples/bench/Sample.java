package io.tflc.examples.bench;

import java.util.Arrays;
import java.util.Locale;

/** Repeated measurements of one figure, reported as the median with the range (min–max) as its spread. */
final class Sample {
    private final double[] values;
    private int size;

    Sample(int capacity) {
        values = new double[capacity];
    }

    void add(double value) {
        values[size++] = value;
    }

    /** The {@code i}-th measurement, in the order added. */
    double value(int i) {
        return values[i];
    }

    /** The same measurements times {@code factor} (e.g. seconds to milliseconds). */
    Sample scaled(double factor) {
        Sample out = new Sample(size);
        for (int i = 0; i < size; i++) {
            out.add(values[i] * factor);
        }
        return out;
    }

    double median() {
        double[] sorted = sorted();
        return size % 2 == 1 ? sorted[size / 2] : (sorted[size / 2 - 1] + sorted[size / 2]) / 2;
    }

    /** "median (min–max)" with {@code format} for each number, e.g. "%.3f". */
    String format(String format) {
        double[] sorted = sorted();
        return String.format(Locale.ROOT, format + " (" + format + "–" + format + ")", median(), sorted[0],
                sorted[size - 1]);
    }

    private double[] sorted() {
        if (size == 0) {
            throw new IllegalStateException("no measurement");
        }
        double[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        return sorted;
    }
}
