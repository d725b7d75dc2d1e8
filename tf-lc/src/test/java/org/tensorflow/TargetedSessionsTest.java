package org.tensorflow;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import org.junit.jupiter.api.Test;
import org.tensorflow.internal.c_api.TF_Session;

/**
 * {@link TargetedSessions} stands on TF Java internals that no public API offers (DESIGN §6): this test names each, so
 * that an upgrade of TF Java that drops one fails here, with the fix, rather than deep inside a distributed run.
 */
class TargetedSessionsTest {
    private static final String FIX = ": TF Java changed; distributed runs (--workers) need another way to open a "
            + "session with a target (see TargetedSessions)";

    @Test
    void theInternalsItNeedsAreThere() {
        assertDoesNotThrow(() -> Session.class.getDeclaredConstructor(Graph.class, TF_Session.class),
                "Session(Graph, TF_Session) is gone" + FIX);
        assertDoesNotThrow(() -> Graph.class.getDeclaredMethod("ref"), "Graph.ref() is gone" + FIX);
        assertDoesNotThrow(() -> org.tensorflow.internal.c_api.global.tensorflow.class.getMethod("TF_SetTarget",
                org.tensorflow.internal.c_api.TF_SessionOptions.class, String.class), "TF_SetTarget is gone" + FIX);
    }
}
