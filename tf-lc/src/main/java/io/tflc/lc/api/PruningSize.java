package io.tflc.lc.api;

/** How much structured pruning keeps: a share of each layer's units, or a share of the model's FLOPs. */
public sealed interface PruningSize {
    /** Each prunable layer keeps {@code share} (0..1] of its units. */
    record Units(double share) implements PruningSize {
    }

    /** Units are removed until the model needs {@code share} (0..1] of its FLOPs. */
    record Flops(double share) implements PruningSize {
    }

    static PruningSize units(double share) {
        return new Units(share);
    }

    static PruningSize flops(double share) {
        return new Flops(share);
    }
}
