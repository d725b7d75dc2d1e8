package io.tflc.lc.objective;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Measures of a model on a dataset, accumulated batch by batch from its logits (or outputs) and the targets:
 * {@code error} (and {@code top5_error} with more than 10 classes) for classifiers, {@code error} for binary
 * classifiers, {@code mae} and {@code rmse} for regression. A fresh {@link Accumulator} per evaluation.
 */
public interface Metrics {

    Accumulator start();

    /** Each example's predicted class, for agreement between two models; null for regression (no classes). */
    int[] predictions(float[] logits, int examples);

    /** Sums over batches. */
    interface Accumulator {
        /** Adds {@code examples} rows of logits (row-major, units per row) and their targets. */
        void add(float[] logits, float[] targets, int examples);

        /** The measures by name, in a fixed order. */
        Map<String, Double> result();
    }

    /** Argmax classes against class-index targets (or, with soft targets, against their argmax). */
    static Metrics classes(int classes) {
        return new Metrics() {
            @Override
            public Accumulator start() {
                return new Accumulator() {
                    long seen;
                    long wrong;
                    long wrongTop5;

                    @Override
                    public void add(float[] logits, float[] targets, int examples) {
                        int width = targets.length / examples;
                        for (int i = 0; i < examples; i++) {
                            int label = width == 1 ? (int) targets[i] : argmax(targets, i * width, width);
                            int rank = rank(logits, i * classes, classes, label);
                            wrong += rank == 0 ? 0 : 1;
                            wrongTop5 += rank < 5 ? 0 : 1;
                            seen++;
                        }
                    }

                    @Override
                    public Map<String, Double> result() {
                        Map<String, Double> r = new LinkedHashMap<>();
                        r.put("error", (double) wrong / seen);
                        if (classes > 10) {
                            r.put("top5_error", (double) wrongTop5 / seen);
                        }
                        return r;
                    }
                };
            }

            @Override
            public int[] predictions(float[] logits, int examples) {
                int[] p = new int[examples];
                for (int i = 0; i < examples; i++) {
                    p[i] = argmax(logits, i * classes, classes);
                }
                return p;
            }
        };
    }

    /**
     * Logits of 0/1 labels (one per example, or several: multi-label): a label is predicted 1 when its logit is
     * positive; {@code error} is the share of wrong labels. Predictions (for agreement) are the first label's.
     */
    static Metrics binary() {
        return new Metrics() {
            @Override
            public Accumulator start() {
                return new Accumulator() {
                    long seen;
                    long wrong;

                    @Override
                    public void add(float[] logits, float[] targets, int examples) {
                        for (int i = 0; i < targets.length; i++) {
                            wrong += (logits[i] > 0) == (targets[i] > 0.5f) ? 0 : 1;
                        }
                        seen += targets.length;
                    }

                    @Override
                    public Map<String, Double> result() {
                        return Map.of("error", (double) wrong / seen);
                    }
                };
            }

            @Override
            public int[] predictions(float[] logits, int examples) {
                int width = logits.length / examples;
                int[] p = new int[examples];
                for (int i = 0; i < examples; i++) {
                    p[i] = logits[i * width] > 0 ? 1 : 0;
                }
                return p;
            }
        };
    }

    /** Mean absolute and root-mean-square error over every output value. */
    static Metrics regression() {
        return new Metrics() {
            @Override
            public Accumulator start() {
                return new Accumulator() {
                    long values;
                    double absolute;
                    double squared;

                    @Override
                    public void add(float[] outputs, float[] targets, int examples) {
                        for (int i = 0; i < targets.length; i++) {
                            double d = (double) outputs[i] - targets[i];
                            absolute += Math.abs(d);
                            squared += d * d;
                        }
                        values += targets.length;
                    }

                    @Override
                    public Map<String, Double> result() {
                        Map<String, Double> r = new LinkedHashMap<>();
                        r.put("mae", absolute / values);
                        r.put("rmse", Math.sqrt(squared / values));
                        return r;
                    }
                };
            }

            @Override
            public int[] predictions(float[] logits, int examples) {
                return null;
            }
        };
    }

    private static int argmax(float[] v, int offset, int n) {
        int best = 0;
        for (int c = 1; c < n; c++) {
            if (v[offset + c] > v[offset + best]) {
                best = c;
            }
        }
        return best;
    }

    /** How many classes score above {@code label} (0: it is the top-1 prediction). */
    private static int rank(float[] v, int offset, int n, int label) {
        int above = 0;
        for (int c = 0; c < n; c++) {
            if (v[offset + c] > v[offset + label] || (v[offset + c] == v[offset + label] && c < label)) {
                above++;
            }
        }
        return above;
    }
}
