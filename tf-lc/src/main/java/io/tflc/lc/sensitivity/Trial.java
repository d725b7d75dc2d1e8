package io.tflc.lc.sensitivity;

/**
 * One weight directly compressed by one ladder entry, every other weight as it was.
 *
 * @param entry the compression
 * @param bits what the compressed weight's storage takes ({@code Theta.bits()})
 * @param measured the model with the weight set to Δ(Θ), on the validation split
 */
public record Trial(LadderEntry entry, long bits, Measured measured) {
}
