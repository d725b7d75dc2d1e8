package io.tflc.examples.bench;

import io.tflc.examples.ReferenceModels;
import io.tflc.lc.data.Dataset;
import io.tflc.lc.data.Datasets;
import io.tflc.lc.data.Minibatches;
import io.tflc.lc.lstep.LStepGraph;
import io.tflc.lc.lstep.Optimizer;
import io.tflc.savedmodels.TrainableModel;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * An L-step epoch with the LC penalty on every kernel against a plain training epoch of the same reference model
 * (LeNet300 unless named), on the Fashion-MNIST training set (60,000 images, batches of 128), alternating the two
 * after a warm-up epoch each; medians of 15.
 * Then a profile: TF's step stats of traced updates of both, and the op types the penalty adds time to.
 */
final class LStepBenchmark {
    private static final int REPETITIONS = 15;
    private static final int TRACED_STEPS = 50;

    private LStepBenchmark() {
    }

    static int run(String name) throws Exception {
        Dataset train = Datasets.loadMnistLayout(Datasets.FASHION_MNIST, 1f / 255, ReferenceModels.exampleShape(name))
                .train();
        try (TrainableModel plainModel = ReferenceModels.build(name, 1);
             TrainableModel lcModel = ReferenceModels.build(name, 1);
             Minibatches plainBatches = new Minibatches(train, 128);
             Minibatches lcBatches = new Minibatches(train, 128)) {
            LStepGraph plain = new LStepGraph(plainModel, List.of(), new Optimizer(Optimizer.SGD_NESTEROV, 0.9));
            plain.setLearningRate(0.01);
            LStepGraph lc = PenalizedLStep.on(lcModel, 1e-2);
            SplittableRandom random = new SplittableRandom(1);
            Paired epochs = Paired.time(REPETITIONS, () -> train.shuffledIndices(random),
                    order -> plain.epoch(plainBatches, order, () -> { }),
                    order -> lc.epoch(lcBatches, order, () -> { }));
            System.out.printf(Locale.ROOT, "%s epoch (60,000 images, batch 128), medians of %d (min–max):%n"
                            + "  plain training      %s s%n  L-step with penalty %s s%n  ratio %s (goal ≤ 1.05)%n",
                    name, REPETITIONS, epochs.first().format("%.3f"), epochs.second().format("%.3f"),
                    epochs.ratio().format("%.3f"));
            OpProfile plainProfile = new OpProfile();
            OpProfile lcProfile = new OpProfile();
            for (int r = 0; r < TRACED_STEPS; r++) {
                int[] order = train.shuffledIndices(random);
                plainProfile.add(plainModel.graph(), plain.traceBatch(plainBatches, order));
                lcProfile.add(lcModel.graph(), lc.traceBatch(lcBatches, order));
            }
            System.out.printf(Locale.ROOT, "profile of one minibatch update (TF step stats, mean of %d traced steps):%n"
                            + "  plain: %.0f nodes, %.0f µs of node time%n  L-step: %.0f nodes, %.0f µs of node time%n"
                            + "  op types with the most added time:%n%s", TRACED_STEPS, plainProfile.nodesPerStep(),
                    plainProfile.microsPerStep(), lcProfile.nodesPerStep(), lcProfile.microsPerStep(),
                    plainProfile.extraIn(lcProfile, 10));
        }
        return 0;
    }
}
