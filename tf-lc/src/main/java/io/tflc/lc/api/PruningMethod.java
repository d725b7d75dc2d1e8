package io.tflc.lc.api;

/** How structured pruning before LC chooses the units (neurons, filters) a layer keeps. */
public enum PruningMethod {
    /** Interpolative decomposition: the units whose outputs best reconstruct all others, which absorb the rest. */
    ID("id"),
    /** The units with the largest weights; the others are dropped. */
    MAGNITUDE("magnitude");

    private final String planName;

    PruningMethod(String planName) {
        this.planName = planName;
    }

    /** The name plans give it ({@code "prune": {"method": …}}). */
    public String planName() {
        return planName;
    }
}
