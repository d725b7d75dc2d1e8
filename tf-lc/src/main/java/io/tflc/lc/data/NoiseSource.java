package io.tflc.lc.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * {@code noise:N}: N generated inputs of the model's input shape, every value drawn from a standard normal
 * distribution (seeded, so a run is reproducible), then preprocessed as the spec says ({@code --scale} and
 * {@code mean}/{@code std} shape the distribution). For a model whose data is not at hand: such inputs carry no
 * labels, so a run on them trains by distillation, matching the reference's outputs. Their targets are NaN, which
 * no objective accepts as a label.
 */
final class NoiseSource implements DataSource {
    /** The kind's name in {@code KIND:PATH} texts. */
    static final String KIND = "noise";

    private final int count;
    private final DataSpec spec;

    NoiseSource(String count, DataSpec spec) {
        try {
            this.count = Integer.parseInt(count.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("data source noise:" + count + " names no number of examples; e.g. "
                    + "noise:5000");
        }
        if (this.count < 2) {
            throw new IllegalArgumentException("data source noise:" + count + ": generate at least 2 examples");
        }
        this.spec = spec;
    }

    @Override
    public Dataset load(int[] exampleShape) {
        int size = Arrays.stream(exampleShape).reduce(1, (a, b) -> a * b);
        float[] features = new float[Math.multiplyExact(count, size)];
        SplittableRandom random = new SplittableRandom(0x5eed);
        for (int i = 0; i < features.length; i++) {
            features[i] = (float) random.nextGaussian();
        }
        Preprocessing.apply(features, exampleShape, spec.preprocess());
        float[] targets = new float[count];
        Arrays.fill(targets, Float.NaN);
        return new Dataset(features, targets, exampleShape, 1);
    }

    @Override
    public String describe() {
        return KIND + ":" + count;
    }
}
