package io.tflc.examples.bench;

import io.tflc.lc.data.Dataset;
import io.tflc.lc.data.Datasets;
import io.tflc.lc.data.Minibatches;
import io.tflc.lc.lstep.LStepGraph;
import io.tflc.savedmodels.TrainableModel;
import io.tflc.savedmodels.layers.LayerGraph;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * A LeNet300 L-step epoch with minibatches fed from Java (tf-lc's {@code Minibatches}) against the same epoch with
 * the training set already inside the graph: one graph serves both, its input and labels are
 * {@code placeholderWithDefault}s whose default gathers the next minibatch of a per-epoch permutation from
 * variables holding all 60,000 images. Fed, the default path is never run. Alternating, medians of 15.
 */
final class FeedBenchmark {
    private static final int REPETITIONS = 15;
    private static final int BATCH = 128;

    private FeedBenchmark() {
    }

    static int run() throws Exception {
        Dataset train = Datasets.fashionMnist().train();
        int n = train.size();
        Graph graph = new Graph();
        LayerGraph layers = new LayerGraph(graph, 1);
        Ops tf = layers.ops().withSubScope("resident_data");
        VarHandleOp images = tf.withName("images").varHandleOp(TFloat32.class, Shape.of(n, 784),
                VarHandleOp.sharedName("bench_resident_images"));
        VarHandleOp labels = tf.withName("labels").varHandleOp(TFloat32.class, Shape.of(n, 1),
                VarHandleOp.sharedName("bench_resident_labels"));
        VarHandleOp permutation = tf.withName("permutation").varHandleOp(TInt32.class, Shape.of(n),
                VarHandleOp.sharedName("bench_resident_permutation"));
        VarHandleOp cursor = tf.withName("cursor").varHandleOp(TInt32.class, Shape.scalar(),
                VarHandleOp.sharedName("bench_resident_cursor"));
        Operand<TInt32> start = tf.math.mul(tf.readVariableOp(cursor, TInt32.class), tf.constant(BATCH));
        Operand<TInt32> size = tf.math.minimum(tf.constant(BATCH), tf.math.sub(tf.constant(n), start));
        Operand<TInt32> indices = tf.slice(tf.readVariableOp(permutation, TInt32.class),
                tf.reshape(start, tf.constant(new int[] {1})), tf.reshape(size, tf.constant(new int[] {1})));
        Operand<TFloat32> input = tf.withName("input").placeholderWithDefault(
                tf.resourceGather(images, indices, TFloat32.class), Shape.of(-1, 784));
        Operand<TFloat32> batchLabels = tf.withName("batch_labels").placeholderWithDefault(
                tf.resourceGather(labels, indices, TFloat32.class), Shape.of(-1, 1));
        Operand<TFloat32> x = layers.dense("dense", input, 300, true);
        x = layers.dense("dense_1", x, 100, true);
        try (TrainableModel model = layers.build(input, layers.dense("dense_2", x, 10, false), batchLabels);
             Minibatches batches = new Minibatches(train, BATCH)) {
            LStepGraph lstep = PenalizedLStep.on(model, 1e-2);
            Op advance = tf.withControlDependencies(List.of(lstep.trainOp()))
                    .assignAddVariableOp(cursor, tf.constant(1));
            Ops fill = tf.withSubScope("fill");
            try (TFloat32 all = TFloat32.tensorOf(Shape.of(n, 784), DataBuffers.of(train.features(), true, false));
                 TFloat32 classes = TFloat32.tensorOf(Shape.of(n, 1), DataBuffers.of(train.targets(), true, false))) {
                assign(model, fill, images, all);
                assign(model, fill, labels, classes);
            }

            SplittableRandom random = new SplittableRandom(1);
            Paired epochs = Paired.time(REPETITIONS, () -> train.shuffledIndices(random),
                    order -> inGraphEpoch(model, lstep, fill, permutation, cursor, advance, order, batches.count()),
                    order -> lstep.epoch(batches, order, () -> { }));
            System.out.printf(Locale.ROOT, "LeNet300 L-step epoch (60,000 images, batch 128), medians of %d "
                            + "(min–max):%n  fed from Java     %s s%n  data in the graph %s s%n"
                            + "  ratio fed/in-graph %s (goal ≤ 1.10)%n", REPETITIONS, epochs.second().format("%.3f"),
                    epochs.first().format("%.3f"), epochs.ratio().format("%.3f"));
        }
        return 0;
    }

    /** The same updates, in the same order, each a run without feeds; the cursor moves on after every update. */
    private static void inGraphEpoch(TrainableModel model, LStepGraph lstep, Ops fill, VarHandleOp permutation,
                                     VarHandleOp cursor, Op advance, int[] order, int count) {
        try (TInt32 permuted = TInt32.vectorOf(order); TInt32 zero = TInt32.scalarOf(0)) {
            assign(model, fill, permutation, permuted);
            assign(model, fill, cursor, zero);
        }
        for (int b = 0; b < count; b++) {
            try (Result loss = model.session().runner().addTarget(advance).fetch(lstep.dataLoss()).run()) {
                if (!Float.isFinite(((TFloat32) loss.get(0)).getFloat())) {
                    throw new IllegalStateException("the in-graph epoch diverged");
                }
            }
        }
    }

    /** Assigns a fed value to a variable (a new fill op each time: a handful per run, so the graph stays small). */
    private static void assign(TrainableModel model, Ops fill, VarHandleOp variable, TType value) {
        Operand<?> fed = fill.placeholder(value.type());
        Op op = fill.assignVariableOp(variable, fed);
        model.session().runner().feed(fed, value).addTarget(op).run().close();
    }
}
