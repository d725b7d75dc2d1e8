package org.tensorflow;

import org.bytedeco.javacpp.BytePointer;
import org.tensorflow.internal.c_api.TF_Session;
import org.tensorflow.internal.c_api.TF_SessionOptions;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.internal.c_api.global.tensorflow;
import org.tensorflow.proto.ConfigProto;

/**
 * Sessions that run a graph on a TF server ({@code grpc://host:port}) rather than in process: TF Java 1.0.0's public
 * {@link Session} constructors have no target (DESIGN §6, "Distributed"), so this class builds the native session with
 * the C API and hands it to {@code Session}'s package-private {@code (Graph, TF_Session)} constructor. It lives in
 * package {@code org.tensorflow} for that constructor alone; {@code TargetedSessionsTest} fails when an upgrade of TF
 * Java removes it.
 */
public final class TargetedSessions {
    private TargetedSessions() {
    }

    /**
     * A session on {@code graph} whose runs go to the server at {@code target} (e.g. {@code grpc://127.0.0.1:2222}).
     * The caller closes it before the graph.
     *
     * @throws IllegalArgumentException when TF refuses the target or the configuration (its message attached)
     */
    public static Session open(Graph graph, String target, ConfigProto config) {
        byte[] serialized = config.toByteArray();
        TF_SessionOptions options = TF_SessionOptions.newSessionOptions();
        try (Graph.Reference ref = graph.ref(); TF_Status status = TF_Status.newStatus();
             BytePointer configBytes = new BytePointer(serialized)) {
            tensorflow.TF_SetTarget(options, target);
            tensorflow.TF_SetConfig(options, configBytes, serialized.length, status);
            check(status, "the session configuration for " + target);
            TF_Session session = tensorflow.TF_NewSession(ref.nativeHandle(), options, status);
            check(status, "a session on " + target);
            return new Session(graph, session);
        } finally {
            options.delete();
        }
    }

    private static void check(TF_Status status, String what) {
        try {
            status.throwExceptionIfNotOK();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("TensorFlow refused " + what + ": " + e.getMessage(), e);
        }
    }
}
