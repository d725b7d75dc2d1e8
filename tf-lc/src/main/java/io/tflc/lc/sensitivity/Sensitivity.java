package io.tflc.lc.sensitivity;

import io.tflc.compressors.CStep;
import io.tflc.compressors.Finite;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.NonFiniteException;
import io.tflc.compressors.Theta;
import io.tflc.lc.algorithm.Task;
import io.tflc.lc.data.BatchSource;
import io.tflc.lc.data.Dataset;
import io.tflc.lc.evaluation.Evaluator;
import io.tflc.lc.objective.Objective;
import io.tflc.lc.plan.TaskSpec;
import io.tflc.savedmodels.Flops;
import io.tflc.savedmodels.ModelExporter;
import io.tflc.savedmodels.ModelWeight;
import io.tflc.savedmodels.TrainableModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Measures each compressible weight's sensitivity: for every entry of its {@link Ladder}, the weight is directly
 * compressed (Θ = Π(w), w := Δ(Θ)), the model is measured on the validation split, and the weight is put back, so
 * that each figure shows what that weight alone costs. The model is left as it was found, also when a step fails.
 */
public final class Sensitivity {
    /** Validation examples per evaluation batch. */
    static final int BATCH = 500;

    /**
     * The ladder holds constraint forms only, whose C-steps ignore μ; a penalty form would need the μ0 of a
     * schedule instead.
     */
    private static final CStep DIRECT = CStep.direct(0);

    private Sensitivity() {
    }

    /** What a run reports while it goes. */
    public interface Listener {
        /** The uncompressed model has been measured; {@code weights} weights follow. */
        default void referenceMeasured(Measured reference, String measure, int weights) {
        }

        /** The {@code done}-th of {@code count} weights has been through its ladder in {@code seconds}. */
        default void weightMeasured(int done, int count, WeightSensitivity weight, double seconds) {
        }
    }

    /**
     * The weights a sensitivity run compresses: trainable ones of two or more dimensions (kernels, embedding
     * tables), which hold nearly all the values of a model; biases, BatchNorm's γ and β (vectors) and statistics
     * (not trainable) stay as they are, as they would in any plan.
     */
    public static List<ModelWeight> compressible(TrainableModel model) {
        return model.trainableWeights().stream().filter(w -> w.dims().length >= 2).toList();
    }

    /**
     * Runs every compressible weight of {@code model} through its ladder, measuring under {@code objective} on
     * {@code validation} (whose targets must fit the objective).
     *
     * @throws IllegalArgumentException when the model has no compressible weight
     */
    public static SensitivityReport measure(TrainableModel model, Objective objective, Dataset validation,
                                            Listener listener) {
        List<ModelWeight> weights = compressible(model);
        if (weights.isEmpty()) {
            throw new IllegalArgumentException("the model has no compressible weight (a trainable weight of two or "
                    + "more dimensions: a dense or convolution kernel, an embedding table); its weights: "
                    + model.weights().stream().map(w -> w.name() + " " + Arrays.toString(w.dims())
                    + (w.trainable() ? "" : " (not trainable)")).collect(Collectors.joining(", ")));
        }
        Evaluator evaluator = new Evaluator(model, objective);
        try (BatchSource batches = validation.batchesFor(model, BATCH)) {
            Measured reference = measured(evaluator.evaluate(batches));
            String measure = headline(reference);
            listener.referenceMeasured(reference, measure, weights.size());
            List<WeightSensitivity> results = new ArrayList<>();
            for (ModelWeight weight : weights) {
                long start = System.nanoTime();
                results.add(ladder(model, weight, evaluator, batches));
                listener.weightMeasured(results.size(), weights.size(), results.get(results.size() - 1),
                        (System.nanoTime() - start) / 1e9);
            }
            return new SensitivityReport(objective.name(), measure, validation.size(), reference, results);
        }
    }

    private static WeightSensitivity ladder(TrainableModel model, ModelWeight weight, Evaluator evaluator,
                                            BatchSource batches) {
        String name = weight.name();
        // The view compress gives a task that names none: what the sensitivity finds is what a plan would see.
        Task viewed = new TaskSpec(name, List.of(name), null, null, ModelExporter.Form.DENSE).resolve(model).get(0);
        Map<String, float[]> original = model.access().read(List.of(name));
        Matrix w = viewed.pack(original);
        try {
            Finite.require(w, "weight " + name);
        } catch (NonFiniteException e) {
            throw new IllegalArgumentException(e.getMessage() + ": the model holds non-finite weights; check the "
                    + "SavedModel", e);
        }
        List<Trial> trials = new ArrayList<>();
        try {
            for (LadderEntry entry : Ladder.of(w.rows(), w.cols())) {
                Task task = new Task(name, List.of(name), viewed.view(), entry.compression());
                Theta theta = task.compression().compress(w, DIRECT);
                model.access().assign(task.unpack(theta.decompress()));
                trials.add(new Trial(entry, theta.bits(), measured(evaluator.evaluate(batches))));
            }
        } finally {
            model.access().assign(original);
        }
        return new WeightSensitivity(name, Arrays.stream(weight.dims()).boxed().toList(), viewed.view().describe(),
                w.rows(), w.cols(), Flops.perExample(model, weight), trials);
    }

    private static Measured measured(Evaluator.Evaluation evaluation) {
        return new Measured(evaluation.loss(), evaluation.metrics());
    }

    /** The error rate when the objective measures one, else the MAE (regression), else the loss itself. */
    private static String headline(Measured reference) {
        return reference.metrics().containsKey("error") ? "error"
                : reference.metrics().containsKey("mae") ? "mae" : "loss";
    }
}
