package io.tflc.lc.algorithm;

import java.util.Locale;

/**
 * The μ schedule derived from the model when the plan gives none. At direct compression the training loss rose by
 * ΔL while the weights moved by D = Σ‖w_ref − Δ(Θ)‖²; a quadratic through both has curvature about 2ΔL/D along the
 * compression, and μ0 = κ·2ΔL/D makes the penalty at DC, μ0·D/2, κ times the loss DC lost. A small κ lets the first
 * L-steps retrain the model away from DC before the penalty takes over; μ then grows to {@value #SPAN}× μ0 over the
 * run's steps, so that by the end w sits on Δ(Θ) and the nested model is the trained one. κ = 0.1 was chosen on
 * one-line runs of 30 steps (codebook:4 on every kernel): κ = 3 lost 7% MAE on Auto MPG, κ = 0.3 and 0.1 both met
 * the hand-tuned plans' errors on the Keras MNIST MLP and CNN, 0.1 the closest. The span was 1000 first: on the MLP
 * μ then ended at 0.1 (μ0 at its floor), w never reached Δ(Θ), and the nested test error still swung 2.75–3.45% over
 * the last steps (exported 3.10%, its hand-tuned plan 2.35%); spans of 10⁴ and 10⁵ gave 3.25% and 2.55% with the
 * last steps settled (2.55, 2.50%); the CNN 1.80% → 1.95% (plan 1.55%), Auto MPG codebook:4 MAE 1.935 → 1.991,
 * prune:0.1 2.118 → 2.078. Single runs, each within noise of the other on all but the MLP.
 *
 * <p>One fixed span did not fit all (LeNet5 codebook:2 ended at 11.17% with it, its plan 10.00%: μ grew past the
 * point where the L-step could still move w, and the nested error settled at 11% from step 19 on), so μ adapts: it
 * grows ×growth only after a step whose nested criterion (the validation loss, else the training loss) is not more
 * than {@value #PROGRESS} below the best before it (DC included): while a step still finds a clearly better nested
 * model, the L-step is making progress at this μ and the next step keeps it; once the nested model has settled or
 * got worse, more steps at this μ do not help and μ grows. Compared with the best, not with the step before: the
 * nested model of codebook runs swings between steps at small μ (the MLP's validation loss alternated ±30%), and
 * against the step before every swing back up counted as progress and held μ (the MLP ended at μ = 0.039 and 3.55%).
 * Measured with the learning rate of {@link LearningRateRange} (one-line compress, 30 steps): MLP 2.80% (μ ended at
 * 2.0 after 25 growths of 29; plan 2.35%), CNN 1.65% (μ ended at 0.85, 20 growths; plan 1.55%, the fixed span gave
 * 2.15%), LeNet5 codebook:2 11.36% (μ ended at 0.69, 17 growths, the nested error still falling; plan 10.00%, the
 * fixed span gave 11.17%): there it holds μ too long for 30 steps, and the goal of plan + 0.5 points is missed.
 */
public final class MuFromModel {
    /** μ0 as a multiple of the curvature 2ΔL/D: the penalty at DC as a share of the loss DC lost. */
    static final double KAPPA = 0.1;
    /** What μ ends at, as a multiple of μ0, after the last step. */
    static final double SPAN = 1e5;
    /** Bounds for μ0, so that ΔL ≤ 0 (DC no worse than the reference) or a tiny D give something sane. */
    static final double MIN_MU0 = 1e-4;
    static final double MAX_MU0 = 10;
    /** DC's μ for penalty-form C-steps, before μ0 can be derived: what the fixed default schedule started at. */
    static final double PROVISIONAL_MU0 = 0.01;

    /** A step whose nested criterion is below the best before it by more than this share holds μ for the next. */
    static final double PROGRESS = 0.01;

    private MuFromModel() {
    }

    /**
     * Whether μ grows after a step whose nested criterion went from {@code previous} (the step before's, DC's for the
     * first) to {@code value}: no, while the L-step still improves the nested model by more than {@value #PROGRESS}
     * of it at this μ; yes once it has settled or got worse (or either is not a number).
     */
    static boolean grows(double previous, double value) {
        return !(value < previous * (1 - PROGRESS));
    }

    /** The growth that takes μ from μ0 to {@value #SPAN}·μ0 over {@code steps} steps (1 for one step or none). */
    static double growth(int steps) {
        return steps <= 1 ? 1 : Math.pow(SPAN, 1.0 / (steps - 1));
    }

    /** μ0 = κ·2ΔL/D within [{@value #MIN_MU0}, {@value #MAX_MU0}]. */
    static double mu0(double deltaLoss, double distance) {
        double curvature = 2 * deltaLoss / distance;
        if (!(curvature > 0) || Double.isInfinite(curvature)) {
            // DC lost nothing (or nothing moved): there is no curvature to measure; the old fixed start serves.
            return PROVISIONAL_MU0;
        }
        return Math.min(MAX_MU0, Math.max(MIN_MU0, KAPPA * curvature));
    }

    /** The derived schedule of {@code provisional}'s length, given DC's loss rise and squared distance. */
    static MuSchedule derive(MuSchedule provisional, double deltaLoss, double distance) {
        return new MuSchedule(mu0(deltaLoss, distance), growth(provisional.steps()), provisional.steps(), true);
    }

    /** The line a run prints (and the reader checks) to say where its μ came from. */
    static String describe(MuSchedule schedule, double deltaLoss, double distance) {
        return String.format(Locale.ROOT, "μ from the model: μ0 = %.4g (κ·2ΔL/D at DC, κ = %s, ΔL = %.4g, D = %.4g), "
                + "×%.4f per step over %d steps", schedule.mu0(), KAPPA, deltaLoss, distance, schedule.growth(),
                schedule.steps());
    }
}
