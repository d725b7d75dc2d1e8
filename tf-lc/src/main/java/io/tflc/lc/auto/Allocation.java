package io.tflc.lc.auto;

import io.tflc.lc.sensitivity.SensitivityReport;
import io.tflc.lc.sensitivity.Trial;
import io.tflc.lc.sensitivity.WeightSensitivity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which compression each weight gets: one {@link Choice} per weight of a sensitivity report, in its order.
 *
 * <p>{@link #choose} solves a multiple-choice knapsack: each weight takes exactly one of its ladder's rungs or none,
 * the costs (each rung's measured rise of the headline measure, weight alone, {@link Choice#cost}) add up to at most
 * the budget, and the goal (bits, or FLOPs then bits) is as small as it can be. Adding the weights' costs assumes
 * their damage adds up, which holds to first order for small perturbations and is what HAWQ-style allocations
 * assume; {@code auto} checks the result on the validation split and {@link #relaxed relaxes} it where it did not.
 * The budget axis is cut into {@value #UNITS} steps, each cost rounded up, so a solution never spends more than
 * the budget.
 */
public record Allocation(List<Choice> choices) {
    /** Steps of the budget axis in the dynamic programme. */
    static final int UNITS = 1000;

    public Allocation {
        choices = List.copyOf(choices);
    }

    /**
     * The allocation of least {@code goal} whose summed costs stay within {@code budget} (headline units: a share
     * of examples for error, MAE units for regression). Leaving every weight as it is costs nothing, so there is
     * always one.
     */
    public static Allocation choose(SensitivityReport report, double budget, Goal goal) {
        List<List<Choice>> options = new ArrayList<>();
        for (WeightSensitivity w : report.weights()) {
            List<Choice> own = new ArrayList<>();
            own.add(Choice.none(w));
            for (Trial t : w.trials()) {
                own.add(new Choice(w, t));
            }
            // Cheapest first, so that among options of the same value the cheaper one is kept (strict <).
            own.sort(Comparator.comparingDouble((Choice c) -> c.cost(report)).thenComparingDouble(
                    c -> c.lossChange(report)));
            options.add(own);
        }
        int layers = options.size();
        double[][] primary = new double[layers + 1][UNITS + 1];
        double[][] secondary = new double[layers + 1][UNITS + 1];
        int[][] picked = new int[layers][UNITS + 1];
        for (int l = 0; l < layers; l++) {
            List<Choice> own = options.get(l);
            for (int u = 0; u <= UNITS; u++) {
                primary[l + 1][u] = Double.POSITIVE_INFINITY;
                for (int o = 0; o < own.size(); o++) {
                    int units = units(own.get(o).cost(report), budget);
                    if (units > u) {
                        continue;
                    }
                    double p = primary[l][u - units] + primary(own.get(o), goal);
                    double s = secondary[l][u - units] + secondary(own.get(o), goal);
                    if (p < primary[l + 1][u] || (p == primary[l + 1][u] && s < secondary[l + 1][u])) {
                        primary[l + 1][u] = p;
                        secondary[l + 1][u] = s;
                        picked[l][u] = o;
                    }
                }
            }
        }
        Choice[] chosen = new Choice[layers];
        int u = UNITS;
        for (int l = layers - 1; l >= 0; l--) {
            chosen[l] = options.get(l).get(picked[l][u]);
            u -= units(chosen[l].cost(report), budget);
        }
        return new Allocation(List.of(chosen));
    }

    /** A cost in budget steps, rounded up; beyond the budget (or any cost with no budget): more than all steps. */
    private static int units(double cost, double budget) {
        if (cost <= 0) {
            return 0;
        }
        if (!(budget > 0) || cost > budget) {
            return UNITS + 1;
        }
        return (int) Math.ceil(cost / budget * UNITS - 1e-9);
    }

    private static double primary(Choice c, Goal goal) {
        return goal == Goal.FLOPS ? c.flops() : c.bits();
    }

    private static double secondary(Choice c, Goal goal) {
        return goal == Goal.FLOPS ? c.bits() : 0;
    }

    /**
     * The allocation with its least robust compressed weight made milder: the weight whose choice did the most
     * damage alone (cost, then loss rise) moves to the smallest option (by {@code goal}) among those that did
     * strictly less; empty when every weight is already uncompressed.
     */
    public Optional<Allocation> relaxed(SensitivityReport report, Goal goal) {
        Comparator<Choice> damage = Comparator.comparingDouble((Choice c) -> c.cost(report))
                .thenComparingDouble(c -> c.lossChange(report));
        Optional<Choice> worst = choices.stream().filter(Choice::compressed).max(damage);
        if (worst.isEmpty()) {
            return Optional.empty();
        }
        Choice current = worst.get();
        List<Choice> milder = new ArrayList<>();
        milder.add(Choice.none(current.weight()));
        current.weight().trials().forEach(t -> milder.add(new Choice(current.weight(), t)));
        Choice next = milder.stream().filter(c -> damage.compare(c, current) < 0)
                .min(Comparator.comparingDouble((Choice c) -> primary(c, goal))
                        .thenComparingDouble(c -> secondary(c, goal)))
                .orElse(Choice.none(current.weight()));
        List<Choice> relaxed = new ArrayList<>(choices);
        relaxed.set(choices.indexOf(current), next);
        return Optional.of(new Allocation(relaxed));
    }

    /** The weights' storage: chosen Θ, 32 bits per value elsewhere. */
    public long bits() {
        return choices.stream().mapToLong(Choice::bits).sum();
    }

    /** The compressible weights' layers' FLOPs per example under this allocation. */
    public double flops() {
        return choices.stream().mapToDouble(Choice::flops).sum();
    }

    /** The summed costs the knapsack spent: the rise the weights' separate measurements predict. */
    public double predictedChange(SensitivityReport report) {
        return choices.stream().mapToDouble(c -> c.cost(report)).sum();
    }
}
