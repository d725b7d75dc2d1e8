package io.tflc.lc.objective;

import io.tflc.lc.data.Dataset;
import io.tflc.lc.data.BatchSource;
import io.tflc.savedmodels.TrainableModel;
import java.util.List;
import org.tensorflow.GraphOperation;
import org.tensorflow.Result;
import org.tensorflow.types.TFloat32;

/** Objectives by name, {@code auto} read from the model's output, and the reference's targets for distillation. */
public final class Objectives {
    public static final String AUTO = "auto";
    public static final List<String> NAMES = List.of(AUTO, SoftmaxCrossEntropy.NAME, SigmoidCrossEntropy.NAME,
            Regression.MSE, Regression.MAE, Distillation.NAME);

    private Objectives() {
    }

    /**
     * The objective {@code name} for {@code model}; {@code auto} reads the output: a final Softmax or a multi-unit
     * output is a classifier (softmax cross-entropy over its classes), a final Sigmoid with one unit a binary
     * classifier; anything else must be named. {@code distill} keeps the metrics of what auto finds (squared error
     * when auto cannot tell).
     */
    public static Objective resolve(String name, TrainableModel model, double temperature) {
        return switch (name) {
            case AUTO -> auto(model);
            case SoftmaxCrossEntropy.NAME -> new SoftmaxCrossEntropy();
            case SigmoidCrossEntropy.NAME -> new SigmoidCrossEntropy();
            case Regression.MSE -> new Regression(true);
            case Regression.MAE -> new Regression(false);
            case Distillation.NAME -> new Distillation(
                    java.util.Objects.requireNonNullElseGet(autoOrNull(model), () -> new Regression(true)), temperature);
            default -> throw new IllegalArgumentException("unknown loss '" + name + "'; losses: " + NAMES);
        };
    }

    /**
     * The loss to use on data from {@code source}: {@code name}, except on generated inputs ({@code noise:N}), which
     * have no labels: there {@code auto} means distillation and any loss that needs labels is an error.
     */
    public static String forData(String name, String source) {
        if (!io.tflc.lc.data.DataSources.isNoise(source)) {
            return name;
        }
        if (name.equals(AUTO) || name.equals(Distillation.NAME)) {
            return Distillation.NAME;
        }
        throw new IllegalArgumentException("the data is generated (" + source + ") and has no labels, so the loss "
                + name + " cannot train or measure on it: use --loss distill (or leave the loss out), which matches "
                + "the reference's outputs");
    }

    private static Objective auto(TrainableModel model) {
        Objective found = autoOrNull(model);
        if (found == null) {
            throw new IllegalArgumentException("tf-lc cannot tell the objective from the output "
                    + model.output().op().name() + " (" + Objective.units(model.output()) + " unit, no final Softmax "
                    + "or Sigmoid): name it, e.g. --loss mse or \"loss\": \"mse\" for regression; losses: " + NAMES);
        }
        return found;
    }

    private static Objective autoOrNull(TrainableModel model) {
        String last = finalOp(model);
        int units = Objective.units(model.output());
        if (last.equals("Softmax") || (units > 1 && !last.equals("Sigmoid"))) {
            return new SoftmaxCrossEntropy();
        }
        if (last.equals("Sigmoid")) {
            return new SigmoidCrossEntropy();
        }
        return null;
    }

    /** The op that makes the output, through Identity ops. */
    private static String finalOp(TrainableModel model) {
        GraphOperation op = (GraphOperation) model.output().op();
        while (op.type().equals("Identity")) {
            op = (GraphOperation) op.input(0).op();
        }
        return op.type();
    }

    /**
     * {@code data} with the reference model's own logits (classifiers) or outputs as targets: what distillation
     * matches. Run on {@code model} as it is now, i.e. before compression.
     */
    public static Dataset teacherTargets(TrainableModel model, Distillation objective, Dataset data) {
        var tensor = objective.measured(model);
        int width = Objective.units(tensor);
        float[] targets = new float[data.size() * width];
        int[] at = {0};
        try (BatchSource batches = data.batchesFor(model, 500)) {
            batches.inOrder(batch -> {
                try (Result r = model.session().runner().feed(model.input(), batch.features()).fetch(tensor).run()) {
                    float[] values = new float[batch.size() * width];
                    ((TFloat32) r.get(0)).asRawTensor().data().asFloats().read(values);
                    System.arraycopy(values, 0, targets, at[0], values.length);
                    at[0] += values.length;
                }
            });
        }
        return data.withTargets(targets, width);
    }
}
