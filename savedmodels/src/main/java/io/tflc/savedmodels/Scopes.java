package io.tflc.savedmodels;

import org.tensorflow.op.Ops;

/** Name scopes given as paths: TF Java takes one level per {@code withSubScope}. */
public final class Scopes {
    private Scopes() {
    }

    /** {@code tf} under the scope {@code a/b/c}. */
    public static Ops under(Ops tf, String path) {
        Ops scoped = tf;
        for (String part : path.split("/")) {
            scoped = scoped.withSubScope(part);
        }
        return scoped;
    }
}
