package io.tflc.lc.auto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.compressors.lowrank.FixedRank;
import io.tflc.compressors.quantization.AdaptiveCodebook;
import io.tflc.lc.sensitivity.LadderEntry;
import io.tflc.lc.sensitivity.Measured;
import io.tflc.lc.sensitivity.SensitivityReport;
import io.tflc.lc.sensitivity.Trial;
import io.tflc.lc.sensitivity.WeightSensitivity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Issue 16, item 4: the knapsack over a sensitivity table and its relaxation, on tables with known answers. */
class AllocationTest {
    private static final double REFERENCE_ERROR = 0.02;

    @Test
    void theKnapsackFindsTheSmallestAllocationWithinTheBudgetAsBruteForceDoes() {
        SplittableRandom random = new SplittableRandom(3);
        for (int instance = 0; instance < 40; instance++) {
            double budget = 0.05;
            List<WeightSensitivity> weights = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                List<Trial> trials = new ArrayList<>();
                for (int t = 0; t < 3; t++) {
                    // Costs on a grid of budget/100, so that rounding up to the programme's steps is exact.
                    double cost = budget / 100 * random.nextInt(0, 80);
                    trials.add(trial("codebook:" + (t + 2), random.nextLong(10, 1000), REFERENCE_ERROR + cost));
                }
                weights.add(weight("w" + w, 10_000, 0, trials));
            }
            SensitivityReport report = report(weights);
            Allocation chosen = Allocation.choose(report, budget, Goal.SIZE);
            assertTrue(chosen.predictedChange(report) <= budget + 1e-12, "within the budget");
            assertEquals(bruteForce(report, budget), chosen.bits(), "instance " + instance + ": the least bits");
        }
    }

    @Test
    void withoutABudgetOnlyHarmlessRungsAreTaken() {
        WeightSensitivity a = weight("a", 1000, 0, List.of(trial("codebook:2", 10, REFERENCE_ERROR + 0.01),
                trial("codebook:16", 300, REFERENCE_ERROR - 0.001)));
        WeightSensitivity b = weight("b", 1000, 0, List.of(trial("codebook:2", 10, REFERENCE_ERROR + 0.002)));
        Allocation chosen = Allocation.choose(report(List.of(a, b)), 0, Goal.SIZE);
        assertEquals(List.of("codebook:16", "none"), chosen.choices().stream().map(Choice::spec).toList(),
                "a rung that measured better costs nothing; any rise is over a zero budget");
    }

    @Test
    void theFlopsGoalTakesLowRankAndBreaksTiesBySize() {
        WeightSensitivity dense = weight("dense", 32L * 100 * 100, 20_000, List.of(
                trial("codebook:2", 100 * 100 + 64, REFERENCE_ERROR),
                new Trial(new LadderEntry(LadderEntry.Family.LOW_RANK, "rank r0/2", "rank:10", new FixedRank(10)),
                        32L * 10 * 200, new Measured(0.1, Map.of("error", REFERENCE_ERROR + 0.004)))));
        SensitivityReport report = report(List.of(dense));
        assertEquals("codebook:2", Allocation.choose(report, 0.01, Goal.SIZE).choices().get(0).spec());
        Allocation fast = Allocation.choose(report, 0.01, Goal.FLOPS);
        assertEquals("rank:10", fast.choices().get(0).spec());
        assertEquals(20_000 * 10.0 * 200 / (100 * 100), fast.flops(), 1e-9, "r(m + n)/(mn) of the layer's FLOPs");
        assertEquals("codebook:2", Allocation.choose(report, 0.001, Goal.FLOPS).choices().get(0).spec(),
                "over the budget, low rank goes; among equal FLOPs the smaller wins");
    }

    @Test
    void relaxingMovesTheLeastRobustWeightToAMilderRungUntilNothingIsCompressed() {
        WeightSensitivity robust = weight("robust", 1000, 0, List.of(trial("codebook:2", 40, REFERENCE_ERROR + 0.001),
                trial("codebook:4", 70, REFERENCE_ERROR)));
        WeightSensitivity fragile = weight("fragile", 1000, 0, List.of(trial("codebook:2", 40, REFERENCE_ERROR + 0.03),
                trial("codebook:4", 70, REFERENCE_ERROR + 0.01), trial("codebook:16", 140, REFERENCE_ERROR + 0.002)));
        SensitivityReport report = report(List.of(robust, fragile));
        Allocation a = Allocation.choose(report, 1, Goal.SIZE);
        assertEquals(List.of("codebook:2", "codebook:2"), specs(a));
        List<List<String>> seen = new ArrayList<>();
        for (Optional<Allocation> r = a.relaxed(report, Goal.SIZE); r.isPresent(); r = r.get().relaxed(report,
                Goal.SIZE)) {
            seen.add(specs(r.get()));
            assertTrue(seen.size() < 10, "relaxation ends");
        }
        assertEquals(List.of(List.of("codebook:2", "codebook:4"), List.of("codebook:2", "codebook:16"),
                List.of("codebook:2", "none"), List.of("codebook:4", "none"), List.of("none", "none")),
                seen, "always the weight that did the most damage alone, one rung milder each time");
    }

    private static List<String> specs(Allocation a) {
        return a.choices().stream().map(Choice::spec).toList();
    }

    private static long bruteForce(SensitivityReport report, double budget) {
        List<WeightSensitivity> weights = report.weights();
        long best = Long.MAX_VALUE;
        int[] pick = new int[weights.size()];
        while (true) {
            long bits = 0;
            double cost = 0;
            for (int w = 0; w < weights.size(); w++) {
                Choice c = pick[w] == 0 ? Choice.none(weights.get(w))
                        : new Choice(weights.get(w), weights.get(w).trials().get(pick[w] - 1));
                bits += c.bits();
                cost += c.cost(report);
            }
            if (cost <= budget + 1e-12) {
                best = Math.min(best, bits);
            }
            int w = 0;
            while (w < weights.size() && ++pick[w] > weights.get(w).trials().size()) {
                pick[w++] = 0;
            }
            if (w == weights.size()) {
                return best;
            }
        }
    }

    private static Trial trial(String spec, long bits, double error) {
        return new Trial(new LadderEntry(LadderEntry.Family.CODEBOOK, spec, spec,
                new AdaptiveCodebook(Integer.parseInt(spec.substring(spec.indexOf(':') + 1)))), bits,
                new Measured(0.1 + error, Map.of("error", error)));
    }

    /** A weight stored in {@code bits} 32-bit floats as a 1×(bits/32) view. */
    private static WeightSensitivity weight(String name, long bits, long flops, List<Trial> trials) {
        int cols = (int) (bits / 32);
        if (name.equals("dense")) {
            return new WeightSensitivity(name, List.of(100, 100), "as_is", 100, 100, flops, trials);
        }
        return new WeightSensitivity(name, List.of(cols), "as_is", 1, cols, flops, trials);
    }

    private static SensitivityReport report(List<WeightSensitivity> weights) {
        return new SensitivityReport("softmax_cross_entropy", "error", 1000,
                new Measured(0.1, Map.of("error", REFERENCE_ERROR)), weights);
    }
}
