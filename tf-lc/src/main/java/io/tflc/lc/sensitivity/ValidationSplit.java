package io.tflc.lc.sensitivity;

import io.tflc.lc.data.Dataset;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A training set divided into the examples that may train and a validation split that decisions are measured on,
 * so that the test set is never looked at before the end: the validation split is the last {@code size} examples of
 * a permutation of the training set seeded by {@code seed}, the rest (in that permutation's order) trains.
 *
 * @param train the training examples left
 * @param validation the validation split
 * @param seed the permutation's seed
 */
public record ValidationSplit(Dataset train, Dataset validation, long seed) {
    /** The default split's cap: beyond this many examples a validation measure gains little and costs time. */
    public static final int MAX_DEFAULT = 5_000;

    /** The default validation size for a training set of {@code examples}: min(5,000, 20%). */
    public static int defaultSize(int examples) {
        return Math.min(MAX_DEFAULT, examples / 5);
    }

    /**
     * The smallest default split a compress run holds out by itself: on fewer examples the error of the chosen step
     * is mostly the split's noise (Auto MPG's 62 rows chose LC step 6 at MAE 2.21 over steps 12–30 at 2.01).
     */
    public static final int MIN_AUTO = 1_000;

    /**
     * The validation split a compress run holds out when the plan says {@code "auto"}: {@link #defaultSize}, or none
     * (0) when that is below {@link #MIN_AUTO}.
     */
    public static int autoSize(int examples) {
        int size = defaultSize(examples);
        return size >= MIN_AUTO ? size : 0;
    }

    /**
     * Carves a validation split of {@code size} examples ({@link #defaultSize} when {@code size} is 0) from
     * {@code training}.
     *
     * @throws IllegalArgumentException when the split would be empty or leave no training example
     */
    public static ValidationSplit carve(Dataset training, int size, long seed) {
        int n = training.size();
        int v = size == 0 ? defaultSize(n) : size;
        if (size < 0) {
            throw new IllegalArgumentException("the validation size must be positive, got " + size);
        }
        if (v >= n) {
            throw new IllegalArgumentException("a validation split of " + v + " examples does not fit in the "
                    + "training set of " + n + " (it is carved from the training data and must leave some to "
                    + "train on): ask for fewer with --validation, at most " + (n - 1));
        }
        if (v == 0) {
            throw new IllegalArgumentException("the training set holds " + n + " examples, too few for a default "
                    + "validation split (20%): give more training data or --validation N");
        }
        int[] order = training.shuffledIndices(new SplittableRandom(seed));
        return new ValidationSplit(training.select(Arrays.copyOfRange(order, 0, n - v)),
                training.select(Arrays.copyOfRange(order, n - v, n)), seed);
    }
}
