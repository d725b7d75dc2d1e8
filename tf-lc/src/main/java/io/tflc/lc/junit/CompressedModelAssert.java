package io.tflc.lc.junit;

import io.tflc.lc.api.DataSource;
import io.tflc.lc.data.DataSources;
import io.tflc.lc.data.DataSpec;
import io.tflc.lc.data.Dataset;
import io.tflc.lc.verify.Verification;
import io.tflc.lc.verify.Verifier;
import io.tflc.savedmodels.safety.ModelTrust;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import org.junit.jupiter.api.Assertions;

/**
 * A compressed SavedModel checked against its original as a serving pipeline runs both ({@link Verifier}), for CI:
 * <pre>{@code
 * assertThat(compressed).comparedTo(original).on(testData)
 *     .accuracyDropAtMost(0.5).agreementAtLeast(0.97).smallerOnDiskBy(10);
 * }</pre>
 * Both models run once, in {@link #on}; each budget then fails the test with the budget it broke and the whole
 * measured table. Classifiers only, unless {@link #kind} says otherwise ({@link #maeIncreaseAtMost} for regression).
 */
public final class CompressedModelAssert {
    private static final int BATCH = 500;
    private final Path compressed;
    private Path original;
    private int batchSize = BATCH;
    private ModelTrust trust = ModelTrust.CHECK_OPS;
    private Verifier.Kind kind = Verifier.Kind.CLASSES;
    private Verification measured;

    private CompressedModelAssert(Path compressed) {
        this.compressed = Objects.requireNonNull(compressed, "compressed");
    }

    /** Starts the checks of the compressed SavedModel in {@code compressed}. */
    public static CompressedModelAssert assertThat(Path compressed) {
        return new CompressedModelAssert(compressed);
    }

    /** The original SavedModel the compressed one is measured against. */
    public CompressedModelAssert comparedTo(Path originalModel) {
        unmeasured("comparedTo");
        this.original = Objects.requireNonNull(originalModel, "original");
        return this;
    }

    /** Examples per batch, and the batch latency is measured on (default 500). */
    public CompressedModelAssert batchSize(int examples) {
        unmeasured("batchSize");
        this.batchSize = examples;
        return this;
    }

    /** Whether the models' ops are checked before they load (default: checked). */
    public CompressedModelAssert trust(ModelTrust modelTrust) {
        unmeasured("trust");
        this.trust = Objects.requireNonNull(modelTrust, "trust");
        return this;
    }

    /** How the served output is read (default: classes, the argmax). */
    public CompressedModelAssert kind(Verifier.Kind outputKind) {
        unmeasured("kind");
        this.kind = Objects.requireNonNull(outputKind, "kind");
        return this;
    }

    /**
     * Runs both models on {@code data} (labelled, shaped and scaled as the models take it) and keeps the measurements.
     *
     * @throws IllegalStateException when {@link #comparedTo} was not called first
     * @throws IOException when a model cannot be loaded or run
     */
    public CompressedModelAssert on(Dataset data) throws IOException {
        if (original == null) {
            throw new IllegalStateException("call comparedTo(originalModel) before on(data): " + compressed
                    + " is measured against its original");
        }
        unmeasured("on");
        measured = Verifier.compare(original, compressed, data, batchSize, trust, kind);
        return this;
    }

    /**
     * Reads {@code source}'s examples (an IDX folder: its {@code t10k-*} set) with features multiplied by
     * {@code scale}, shaped as the original's serving signature takes them, and runs both models on them.
     *
     * @throws IllegalStateException when {@link #comparedTo} was not called first
     * @throws IOException when the data or a model cannot be read, or they do not fit each other
     */
    public CompressedModelAssert on(DataSource source, float scale) throws IOException {
        if (original == null) {
            throw new IllegalStateException("call comparedTo(originalModel) before on(data): " + compressed
                    + " is measured against its original");
        }
        DataSpec spec = new DataSpec(source.label(), null, null, null, DataSpec.Preprocess.NONE.withScale(scale));
        return on(DataSources.open(source.text(), spec).load(Verifier.exampleShape(original, trust)));
    }

    /** {@link #on(DataSource, float)} with the source's usual scale (1/255 for IDX, else 1). */
    public CompressedModelAssert on(DataSource source) throws IOException {
        return on(source, DataSources.defaultScale(source.text()));
    }

    /** The compressed model's accuracy is at most {@code points} percentage points below the original's. */
    public CompressedModelAssert accuracyDropAtMost(double points) {
        Verification v = classifier("accuracyDropAtMost");
        check(v.accuracyDropPoints() <= points, "accuracy dropped %.2f points; the budget is %.2f",
                v.accuracyDropPoints(), points);
        return this;
    }

    /** Both models predict the same class on at least {@code share} (0..1) of the examples. */
    public CompressedModelAssert agreementAtLeast(double share) {
        Verification v = classifier("agreementAtLeast");
        check(v.agreement() >= share, "the models agree on %.4f of the examples; at least %.4f is required",
                v.agreement(), share);
        return this;
    }

    /** The compressed model's mean absolute error is at most {@code relative} (0.05: 5%) above the original's. */
    public CompressedModelAssert maeIncreaseAtMost(double relative) {
        Verification v = measured("maeIncreaseAtMost");
        if (!v.regression()) {
            throw new IllegalStateException("maeIncreaseAtMost measures regression models; call kind(REGRESSION) "
                    + "before on(data), or gate a classifier with accuracyDropAtMost");
        }
        check(v.maeIncrease() <= relative, "MAE grew %.2f%%; the budget is %.2f%%", 100 * v.maeIncrease(),
                100 * relative);
        return this;
    }

    /** A batch takes the compressed model at most {@code ratio} times the original's time (medians). */
    public CompressedModelAssert latencyRatioAtMost(double ratio) {
        Verification v = measured("latencyRatioAtMost");
        double measuredRatio = v.compressedMillisPerBatch() / v.originalMillisPerBatch();
        check(measuredRatio <= ratio, "a batch takes %.3f times the original's time; at most %.3f is allowed",
                measuredRatio, ratio);
        return this;
    }

    /** The compressed SavedModel's files take at least {@code factor} times fewer bytes than the original's. */
    public CompressedModelAssert smallerOnDiskBy(double factor) {
        Verification v = measured("smallerOnDiskBy");
        double ratio = v.compressedSize().ratio(v.originalSize());
        check(ratio >= factor, "the compressed model is %.2f× smaller on disk; at least %.2f× is required", ratio,
                factor);
        return this;
    }

    /** What was measured, for checks of one's own. */
    public Verification verification() {
        return measured("verification");
    }

    private void check(boolean holds, String format, Object... values) {
        if (!holds) {
            Assertions.fail(String.format(Locale.ROOT, format, values) + " (" + compressed + " against " + original
                    + ")\n" + measured.summary());
        }
    }

    private Verification measured(String method) {
        if (measured == null) {
            throw new IllegalStateException("call comparedTo(originalModel).on(data) before " + method + ": the "
                    + "models run once, in on(data)");
        }
        return measured;
    }

    private Verification classifier(String method) {
        Verification v = measured(method);
        if (v.regression()) {
            throw new IllegalStateException(method + " measures classifiers; gate a regression model with "
                    + "maeIncreaseAtMost");
        }
        return v;
    }

    private void unmeasured(String method) {
        if (measured != null) {
            throw new IllegalStateException(method + " must come before on(data): the models have run already");
        }
    }
}
