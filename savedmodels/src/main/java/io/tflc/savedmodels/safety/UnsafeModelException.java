package io.tflc.savedmodels.safety;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** A SavedModel holds ops that tf-lc does not run without {@code --trust-model}. */
public final class UnsafeModelException extends IllegalArgumentException {
    private final transient List<OpFinding> findings;

    public UnsafeModelException(Path dir, List<OpFinding> findings) {
        super(dir + " holds ops that can reach outside the computation (files, other processes, custom "
                + "libraries), so nothing of it was run:\n"
                + findings.stream().map(f -> "  " + f).collect(Collectors.joining("\n"))
                + "\nIf you trust where this model comes from, pass --trust-model to run it anyway.");
        this.findings = List.copyOf(findings);
    }

    public List<OpFinding> findings() {
        return findings;
    }
}
