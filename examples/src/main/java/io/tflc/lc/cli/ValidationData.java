package io.tflc.lc.cli;

import io.tflc.lc.data.Dataset;
import io.tflc.lc.objective.Distillation;
import io.tflc.lc.objective.Objective;
import io.tflc.lc.objective.Objectives;
import io.tflc.lc.sensitivity.ValidationSplit;
import io.tflc.savedmodels.TrainableModel;
import java.io.IOException;
import java.util.Locale;

/**
 * The validation split the measuring commands decide on, carved from the training data exactly as a compress run
 * with the same options carves it, and how it is measured.
 *
 * @param objective how the split is measured: the run's objective, or for distillation its base objective when the
 *     split has labels it can use (else the split's targets are the reference's outputs)
 * @param split the training data divided into what trains and what validates
 * @param measured the validation examples as measured (distillation without usable labels: the reference's outputs)
 * @param described e.g. "1,600 of 8,000 training examples (seed 1)"
 */
record ValidationData(Objective objective, ValidationSplit split, Dataset measured, String described) {

    /** Loads {@code options}' training data for {@code model}, checks it against the objective and carves it. */
    static ValidationData of(TrainableModel model, TrainingDataOptions options) throws IOException {
        String source = options.source();
        Objective objective = Objectives.resolve(Objectives.forData(options.loss, source), model,
                Distillation.DEFAULT_TEMPERATURE);
        Dataset training = options.training(model.exampleShape());
        int outputs = objective.outputs(model);
        if (!(objective instanceof Distillation)) {
            objective.check(training, outputs, "the training data (" + source + ")");
        }
        ValidationSplit split = ValidationSplit.carve(training, options.validation, options.seed);
        Dataset measured = split.validation();
        if (objective instanceof Distillation distill) {
            // As compress measures its test set: against labels when they fit, else against the reference.
            if (distill.base().fits(measured, outputs)) {
                objective = distill.base();
            } else {
                measured = Objectives.teacherTargets(model, distill, measured);
            }
        }
        String described = String.format(Locale.ROOT, "%,d of %,d training examples (seed %d)", measured.size(),
                training.size(), options.seed);
        return new ValidationData(objective, split, measured, described);
    }
}
