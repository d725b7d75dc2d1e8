package io.tflc.lc.algorithm;

import io.tflc.lc.data.BatchSource;
import io.tflc.lc.data.Dataset;
import io.tflc.lc.lstep.LStepGraph;
import io.tflc.lc.lstep.Optimizer;
import io.tflc.savedmodels.TrainableModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * The L-step's learning rate measured on the reference when the plan gives none: a learning-rate range test (L. N.
 * Smith's idea, adapted to a model that is trained already). With the LC penalty off, the L-step's own optimizer
 * trains the reference at rates {@value #LOW}·2^i, {@value #UPDATES} minibatch updates per rate, and after each rate
 * the loss on a fixed probe of at most {@value #PROBE} held-out (else training) examples is measured. The test stops
 * at the first rate after which the probe loss exceeds its lowest so far by more than {@value #TOLERANCE} of it (or is
 * not finite); the rate before it, the largest the trained model stands, is the L-step's lr0.
 *
 * <p>Why that rate itself and not a tenth of it, as the test is usually read: under LC the learning rate also sets
 * how far the weights can travel towards Δ(Θ) in one L-step (Adam moves each weight by about lr per update), and the
 * smaller rate left them behind. Measured on the one-line compress (codebook:4 on every kernel, 30 steps, Adam, batch
 * 64, 200 updates per L-step), against the fixed 0.001 before: the Keras MNIST MLP's test found 1.02·10⁻³; at a tenth
 * of it the run ended at 3.75% test error with ‖w − Δ(Θ)‖² still 28 at the last step (2.60% at 0.001), at the rate
 * itself 2.80% (with the adaptive μ of {@link MuFromModel}); the CNN's test found 5.1·10⁻⁴, and a tenth of it left
 * the first LC steps' nested error at 25%.
 *
 * <p>Why a probe and not the minibatch losses, as the test is usually run: a trained model's minibatch losses
 * scatter more than the rise the test looks for (on the Keras MNIST CNN, loss 0.03, one misclassified example moves a
 * minibatch's mean by 0.1), so their running minimum sat at the very first rate; the probe's loss is the same
 * examples each time and moves only when the weights do. Afterwards every model variable and the optimizer's slots
 * are put back, so the run starts from the reference as if no test had run. Measurements: the README's "compress".
 *
 * <p>Why SGD's lr0 is {@value #SGD_MULTIPLE}× the rate the test keeps and Adam's the rate itself: an SGD step is the
 * rate times the gradient, and a model SGD trained sits in a minimum that its own training examples (the probe,
 * when the validation split is carved from them) see as sharp, so the probe loss rises at rates that the L-step,
 * which has to leave that minimum for Δ(Θ) anyway, stands well. Measured with codebook:2 on every kernel of the two
 * LeNets trained here (μ derived, the default L-step with SGD at a fixed rate, seeds 1 and 2 or 1–3; the test keeps
 * 4.1·10⁻³): LeNet5 10.45 and 10.99% test error at the kept rate, 9.49 and 9.68% at 4×; LeNet300 12.05, 12.10 and
 * 11.78% at the kept rate, 11.31, 10.76 and 11.10% at 4×. Adam at 4× its rate lost where the models were trained by
 * Adam (the Keras MLP's {@code auto} broke its budget), and those are the models the default gives Adam to
 * ({@code Plan.defaultLStep}).
 */
public final class LearningRateRange {
    static final double LOW = 1e-6;
    /** Rates tried at most: {@value #LOW} up to about 1. */
    static final int RATES = 21;
    static final int UPDATES = 10;
    static final int PROBE = 1000;
    static final double TOLERANCE = 0.1;
    static final double SGD_MULTIPLE = 4;

    /**
     * What the test found.
     *
     * @param learningRate the chosen rate: the largest after which the probe loss stayed within the tolerance
     * @param probeLosses the probe's loss before any update, then after each rate tried
     */
    public record Result(double learningRate, List<Double> probeLosses) {
        public Result {
            probeLosses = List.copyOf(probeLosses);
        }

        /** The L-step's lr0 for {@code optimizer}: the rate itself for Adam, {@value #SGD_MULTIPLE}× it for SGD. */
        public double lr0(Optimizer optimizer) {
            return optimizer.kind().equals(Optimizer.SGD_NESTEROV) ? SGD_MULTIPLE * learningRate : learningRate;
        }

        /** The line a run prints to say where its learning rate came from. */
        public String describe(Optimizer optimizer) {
            String multiple = lr0(optimizer) == learningRate ? ""
                    : String.format(Locale.ROOT, "; SGD's lr0 is %.0f× it: %.3g", SGD_MULTIPLE, lr0(optimizer));
            return String.format(Locale.ROOT, "learning rate from a range test on the reference: %.3g (the largest "
                    + "rate after which the probe loss stayed within %d%% of its lowest; %d updates per rate from %.0e "
                    + "×2; probe loss %s)%s", learningRate, Math.round(100 * TOLERANCE), UPDATES, LOW,
                    probeLosses.stream().map(v -> String.format(Locale.ROOT, "%.4g", v))
                            .collect(Collectors.joining(" ")), multiple);
        }
    }

    private LearningRateRange() {
    }

    /**
     * Runs the test on {@code model} as it is (the reference) with {@code lstep}'s optimizer, minibatches of
     * {@code batches} drawn with {@code seed}, and the first {@value #PROBE} examples of {@code probe}; restores the
     * model and the optimizer.
     *
     * @param penalized the weights {@code lstep} penalises (their penalty is set to μ = 0 for the test)
     */
    public static Result measure(TrainableModel model, LStepGraph lstep, List<String> penalized,
                                 BatchSource batches, Dataset probe, long seed) {
        if (batches.count() == 0 || probe.size() == 0) {
            throw new IllegalArgumentException("the learning-rate range test needs training examples; the training "
                    + "set is empty");
        }
        Map<String, float[]> saved = model.access().readAll();
        try (BatchSource probeBatches = probe.head(PROBE).batchesFor(model, PROBE)) {
            // μ = 0 zeroes the penalty whatever the targets are; the current weights serve.
            lstep.setPenalty(0, saved);
            lstep.resetOptimizer();
            List<Double> losses = new ArrayList<>();
            losses.add(lstep.evaluate(probeBatches).loss());
            double lowest = losses.get(0);
            SplittableRandom random = new SplittableRandom(seed * 1_000_003L - 1);
            int[] left = {0};
            double largestStable = Double.NaN;
            for (int i = 0; i < RATES; i++) {
                double rate = LOW * Math.pow(2, i);
                lstep.setLearningRate(rate);
                left[0] = UPDATES;
                // Every update is made even after a loss turned NaN: in a data-parallel run the replicas' updates
                // pair through all-reduces, and the probe, the same examples and weights on every replica, decides.
                while (left[0] > 0) {
                    batches.shuffledHead(random, left[0], batch -> {
                        left[0]--;
                        lstep.update(batch);
                    });
                }
                double loss = lstep.evaluate(probeBatches).loss();
                losses.add(loss);
                if (!(loss <= (1 + TOLERANCE) * lowest)) {
                    break;
                }
                lowest = Math.min(lowest, loss);
                largestStable = rate;
            }
            if (Double.isNaN(largestStable)) {
                // Even the smallest rate harmed it: take that, which can at most train slowly.
                largestStable = LOW;
            }
            return new Result(largestStable, losses);
        } finally {
            model.access().assign(saved);
            lstep.resetOptimizer();
        }
    }
}
