package io.tflc.lc.cli;

import io.tflc.savedmodels.safety.ModelTrust;
import picocli.CommandLine.Option;

/** {@code --trust-model}: the one way past the op scan, for a model whose author the user trusts. */
public final class TrustOption {
    @Option(names = "--trust-model", description = "run the model even though it holds ops that tf-lc's op scan "
            + "refuses (file access, custom ops): a SavedModel is a program, so only for models you trust")
    private boolean trusted;

    public ModelTrust trust() {
        return trusted ? ModelTrust.TRUST_MODEL : ModelTrust.CHECK_OPS;
    }
}
