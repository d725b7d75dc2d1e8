package io.tflc.lc.auto;

/** What an automatic compression makes small within its accuracy budget. */
public enum Goal {
    /** The stored bits of the weights (bytes on disk): quantization, pruning and low rank all count. */
    SIZE,
    /**
     * Floating-point operations per example: only low rank lowers them (exported factored, as two thinner layers);
     * among allocations of equal FLOPs the smaller one wins.
     */
    FLOPS
}
