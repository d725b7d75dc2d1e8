package io.tflc.examples.bench;

import io.tflc.lc.lstep.LStepGraph;
import io.tflc.lc.lstep.Optimizer;
import io.tflc.savedmodels.ModelWeight;
import io.tflc.savedmodels.TrainableModel;
import java.util.List;

/** The L-step the benchmarks time: SGD Nesterov (0.9, lr 0.01) with the LC penalty on every kernel. */
final class PenalizedLStep {
    private PenalizedLStep() {
    }

    /** Penalty μ on every weight named {@code …kernel}, toward the values it has now (as after DC). */
    static LStepGraph on(TrainableModel model, double mu) {
        List<String> kernels = model.weights().stream().map(ModelWeight::name).filter(w -> w.endsWith("kernel"))
                .toList();
        LStepGraph lstep = new LStepGraph(model, kernels, new Optimizer(Optimizer.SGD_NESTEROV, 0.9));
        lstep.setLearningRate(0.01);
        lstep.setPenalty(mu, model.access().read(kernels));
        return lstep;
    }
}
