package io.tflc.savedmodels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.savedmodels.layers.LayerGraph;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.internal.c_api.global.tensorflow;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.ResourceGather;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** The Java gradient of ResourceGather, and embedding tables as weights of a model. */
class ResourceGatherGradientTest {
    private static final int VOCABULARY = 5;
    private static final int WIDTH = 3;

    @Test
    void tableGradientSumsTheIncomingGradientIntoTheRowsOfTheIds() {
        LayerGraph layers = new LayerGraph(new Graph(), 3);
        Placeholder<TFloat32> input = layers.input(2);
        Operand<TFloat32> rows = layers.embedding("embedding", input, VOCABULARY, WIDTH);
        try (TrainableModel model = layers.build(input, layers.dense("dense", layers.flatten(rows), 2, false))) {
            ModelWeight table = model.weight("embedding/embeddings");
            assertEquals("ResourceGather", table.layer(), "the lookup reads the table with no ReadVariableOp");
            assertTrue(table.trainable());
            assertEquals(0, Flops.perExample(model, table), "a lookup multiplies nothing");
            assertEquals(List.of(), Preflight.missingGradients(model));

            // loss = Σ rows ⊙ c, so ∂loss/∂table[r] = Σ of c over the positions whose id is r.
            float[][][] c = new float[2][2][WIDTH];
            for (int b = 0; b < 2; b++) {
                for (int p = 0; p < 2; p++) {
                    for (int j = 0; j < WIDTH; j++) {
                        c[b][p][j] = 1 + b * 100 + p * 10 + j;
                    }
                }
            }
            float[][] ids = {{1, 3}, {1, 1}};
            float[][] expected = new float[VOCABULARY][WIDTH];
            for (int b = 0; b < 2; b++) {
                for (int p = 0; p < 2; p++) {
                    for (int j = 0; j < WIDTH; j++) {
                        expected[(int) ids[b][p]][j] += c[b][p][j];
                    }
                }
            }
            Ops tf = layers.ops();
            Operand<TFloat32> loss = tf.reduceSum(tf.math.mul(rows, tf.constant(StdArrays.ndCopyOf(c))),
                    tf.constant(new int[] {0, 1, 2}));
            Output<?>[] gradient = model.graph().addGradients(loss.asOutput(), new Output<?>[] {table.handle()});
            try (TFloat32 feed = TFloat32.tensorOf(StdArrays.ndCopyOf(ids));
                 Result result = model.session().runner().feed(model.input(), feed).fetch(gradient[0]).run()) {
                TFloat32 g = (TFloat32) result.get(0);
                assertEquals(Shape.of(VOCABULARY, WIDTH), g.shape());
                float[][] got = StdArrays.array2dCopyOf(g);
                for (int r = 0; r < VOCABULARY; r++) {
                    assertArrayEquals(expected[r], got[r], 0f, "row " + r);
                }
            }
        }
    }

    @Test
    void theModelsLossGradientMatchesFiniteDifferences() {
        LayerGraph layers = new LayerGraph(new Graph(), 5);
        Placeholder<TFloat32> input = layers.input(4);
        Operand<TFloat32> rows = layers.embedding("embedding", input, VOCABULARY, WIDTH);
        Operand<TFloat32> hidden = layers.dense("dense", layers.flatten(rows), 4, true);
        try (TrainableModel model = layers.build(input, layers.dense("dense_1", hidden, 2, false))) {
            Ops tf = layers.ops();
            Operand<TFloat32> loss = tf.reduceSum(tf.math.square(model.logits()), tf.constant(new int[] {0, 1}));
            Output<?>[] gradient = model.graph().addGradients(loss.asOutput(),
                    new Output<?>[] {model.weight("embedding/embeddings").handle()});
            float[][] ids = {{0, 2, 2, 4}, {4, 1, 0, 0}};
            float[] analytic;
            try (TFloat32 feed = TFloat32.tensorOf(StdArrays.ndCopyOf(ids));
                 Result result = model.session().runner().feed(model.input(), feed).fetch(gradient[0]).run()) {
                analytic = flat((TFloat32) result.get(0));
            }
            float[] table = model.access().readAll().get("embedding/embeddings");
            double step = 1e-2;
            for (int i = 0; i < table.length; i++) {
                float[] plus = table.clone();
                float[] minus = table.clone();
                plus[i] += (float) step;
                minus[i] -= (float) step;
                double numeric = (lossAt(model, loss, ids, plus) - lossAt(model, loss, ids, minus)) / (2 * step);
                assertEquals(numeric, analytic[i], 1e-3 + 1e-2 * Math.abs(numeric), "table value " + i);
            }
            // Row 3 is looked up nowhere: exactly zero.
            for (int j = 0; j < WIDTH; j++) {
                assertEquals(0f, analytic[3 * WIDTH + j]);
            }
        }
    }

    @Test
    void batchDimsOtherThanZeroAreRefusedWithTheReason() {
        ResourceGatherGradient.register();
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            VarHandleOp table = tf.varHandleOp(TFloat32.class, Shape.of(2, 4, 3));
            Operand<TFloat32> rows = tf.resourceGather(table, tf.constant(new int[][] {{0, 1}, {3, 3}}),
                    TFloat32.class, ResourceGather.batchDims(1L));
            Operand<TFloat32> loss = tf.reduceSum(rows, tf.constant(new int[] {0, 1, 2}));
            Exception e = assertThrows(Exception.class,
                    () -> graph.addGradients(loss.asOutput(), new Output<?>[] {table.asOutput()}));
            assertTrue(String.valueOf(e.getMessage()).contains("batch_dims = 1"), e.toString());
        }
    }

    @Test
    void registrationIsIdempotentAcrossThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Object>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(pool.submit((Callable<Object>) () -> {
                    ResourceGatherGradient.register();
                    return null;
                }));
            }
            for (Future<Object> call : calls) {
                call.get();
            }
        } finally {
            pool.shutdown();
        }
        assertTrue(tensorflow.TFJ_HasGradient("ResourceGather"));
    }

    private static double lossAt(TrainableModel model, Operand<TFloat32> loss, float[][] ids, float[] table) {
        model.access().assign(Map.of("embedding/embeddings", table));
        try (TFloat32 feed = TFloat32.tensorOf(StdArrays.ndCopyOf(ids));
             Result result = model.session().runner().feed(model.input(), feed).fetch(loss).run()) {
            return ((TFloat32) result.get(0)).getFloat();
        }
    }

    private static float[] flat(TFloat32 t) {
        float[] out = new float[(int) t.shape().size()];
        t.asRawTensor().data().asFloats().read(out);
        return out;
    }
}
