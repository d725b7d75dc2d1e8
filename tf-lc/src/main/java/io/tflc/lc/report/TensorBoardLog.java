package io.tflc.lc.report;

import java.nio.file.Path;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.summary.SummaryWriter;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * TensorBoard event files written by TF's own summary ops (a small graph and session of their own, so the model's
 * graph is untouched): {@code tensorboard --logdir DIR} shows every scalar logged here.
 */
public final class TensorBoardLog implements AutoCloseable {
    private final Graph graph = new Graph();
    private final Session session = new Session(graph);
    private final Placeholder<TInt64> step;
    private final Placeholder<TString> tag;
    private final Placeholder<TFloat32> value;
    private final Op write;
    private final Op flush;
    private final Op close;

    public TensorBoardLog(Path logdir) {
        Ops tf = Ops.create(graph);
        SummaryWriter writer = tf.summary.summaryWriter(SummaryWriter.sharedName("tflc_" + System.identityHashCode(this)));
        Op create = tf.summary.createSummaryFileWriter(writer, tf.constant(logdir.toAbsolutePath().toString()),
                tf.constant(16), tf.constant(2000), tf.constant(".tflc"));
        step = tf.placeholder(TInt64.class);
        tag = tf.placeholder(TString.class);
        value = tf.placeholder(TFloat32.class);
        write = tf.summary.writeScalarSummary(writer, step, tag, value);
        flush = tf.summary.flushSummaryWriter(writer);
        close = tf.summary.closeSummaryWriter(writer);
        session.runner().addTarget(create).run().close();
    }

    /** One scalar point of series {@code name} at {@code x}. */
    public void scalar(String name, long x, double y) {
        try (TInt64 s = TInt64.scalarOf(x); TString t = TString.scalarOf(name); TFloat32 v = TFloat32.scalarOf((float) y)) {
            session.runner().feed(step, s).feed(tag, t).feed(value, v).addTarget(write).run().close();
        }
    }

    public void flush() {
        session.runner().addTarget(flush).run().close();
    }

    @Override
    public void close() {
        try {
            flush(); // separate runs: within one, close could run before flush
            session.runner().addTarget(close).run().close();
        } finally {
            session.close();
            graph.close();
        }
    }
}
