package io.tflc.savedmodels.safety;

/** Whether a model's ops are checked before it runs ({@code CHECK_OPS}) or the user vouches for it. */
public enum ModelTrust {
    /** Refuse a model holding ops outside the allow-list ({@link OpScan}). */
    CHECK_OPS,
    /** Run the model whatever its ops ({@code --trust-model}); what the scan found is logged as a warning. */
    TRUST_MODEL
}
