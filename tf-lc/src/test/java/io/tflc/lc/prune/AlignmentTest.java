package io.tflc.lc.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The alignment rule on made-up latency tables, and the probe's answer being one of the candidates. */
class AlignmentTest {

    /** Latency per channel count 1…48 from a function of the count. */
    private static double[] table(java.util.function.IntToDoubleFunction latency) {
        return java.util.stream.IntStream.rangeClosed(1, 48).mapToDouble(latency).toArray();
    }

    @Test
    void aStaircaseGivesItsStepWidth() {
        assertEquals(16, Alignment.choose(table(c -> 1 + (c + 15) / 16)));
        assertEquals(8, Alignment.choose(table(c -> 1 + (c + 7) / 8)));
    }

    @Test
    void latencyThatDoesNotDependOnChannelsGivesTheFallback() {
        assertEquals(Alignment.FALLBACK, Alignment.choose(table(c -> 1)));
    }

    @Test
    void unitsRoundToMultiplesAndSmallLayersStayWhole() {
        assertEquals(48, Alignment.below(57.6, 64, 16));
        assertEquals(48, Alignment.below(63, 64, 16));
        assertEquals(0, Alignment.below(7.2, 8, 16));
        assertEquals(9, Alignment.below(9.9, 10, 1));
        assertEquals(16, Alignment.nearest(20, 64, 16));
        assertEquals(16, Alignment.nearest(3, 64, 16));
        assertEquals(10, Alignment.nearest(5, 10, 16));
        assertEquals(40, Alignment.nearest(38, 40, 8));
    }

    @Test
    void probeChoosesACandidate() {
        Alignment.Measurement m = Alignment.measure();
        System.out.println("alignment " + m.alignment() + "; " + m.table());
        assertTrue(List.of(1, 2, 4, 8, 16).contains(m.alignment()), "alignment " + m.alignment());
        assertEquals(48, m.millis().length);
        assertTrue(Arrays.stream(m.millis()).allMatch(t -> t > 0), m.table());
    }
}
