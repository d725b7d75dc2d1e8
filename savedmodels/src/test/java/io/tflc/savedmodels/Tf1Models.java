package io.tflc.savedmodels;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.SessionFunction;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * TF1-style SavedModels as TF 1.x and {@code tf.estimator} write them, made by TF Java's own exporter: weights in
 * reference variables ({@code VariableV2}, read through {@code kernel/read} Identity ops, initialised by
 * {@code Assign}), the classic saver over them, a v1 {@code FusedBatchNorm} (no gradient in TF), a training op
 * and a global step left in the graph, a signature with a fixed batch dimension and two outputs (int64
 * {@code classes}, float {@code probabilities}), like the official TF ResNet's.
 *
 * <p>The network: conv 3×3 VALID (4 filters) → BatchNorm → ReLU → flatten → dense to {@code classes} units.
 */
public final class Tf1Models {
    private Tf1Models() {
    }

    /**
     * Writes the model to {@code dir}. {@code relaxable}: the flatten reshapes to [-1, n] (the graph takes any batch
     * size once its signature allows); else to [batch, n], so that only batches of {@code batch} run.
     *
     * @param example the example shape [height, width, channels]
     */
    public static Path write(Path dir, int batch, int[] example, int classes, boolean relaxable, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        try (Graph graph = new Graph(); Session session = new Session(graph)) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> input = tf.withName("input").placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(batch, example[0], example[1], example[2])));
            int filters = 4;
            Operand<TFloat32> kernel = read(tf, "conv_kernel", new long[] {3, 3, example[2], filters},
                    uniform(random, 9 * example[2] * filters, 0.5));
            Operand<TFloat32> conv = tf.nn.conv2d(input, kernel, List.of(1L, 1L, 1L, 1L), "VALID");
            List<Operand<TFloat32>> bn = List.of(
                    read(tf, "bn_gamma", new long[] {filters}, shifted(random, filters, 1.0)),
                    read(tf, "bn_beta", new long[] {filters}, shifted(random, filters, 0.0)),
                    read(tf, "bn_moving_mean", new long[] {filters}, shifted(random, filters, 0.1)),
                    read(tf, "bn_moving_variance", new long[] {filters}, shifted(random, filters, 1.0)));
            // TF 1.x wrote the v1 op, which TF registers no gradient for.
            var normalized = graph.opBuilder("FusedBatchNorm", "bn_FusedBatchNorm", tf.scope())
                    .addInput(conv.asOutput()).addInput(bn.get(0).asOutput()).addInput(bn.get(1).asOutput())
                    .addInput(bn.get(2).asOutput()).addInput(bn.get(3).asOutput())
                    .setAttr("epsilon", 1e-3f).setAttr("is_training", false).build();
            Operand<TFloat32> activations = tf.nn.relu(normalized.<TFloat32>output(0));
            int flat = (example[0] - 2) * (example[1] - 2) * filters;
            Operand<TFloat32> flattened = tf.reshape(activations, tf.constant(new long[] {relaxable ? -1 : batch, flat}));
            Variable<TFloat32> denseKernel = variable(tf, "dense_kernel", new long[] {flat, classes},
                    uniform(random, flat * classes, Math.sqrt(6.0 / (flat + classes))));
            Operand<TFloat32> logits = tf.math.add(tf.linalg.matMul(flattened, tf.withName("dense_kernel_read")
                    .identity(denseKernel)), read(tf, "dense_bias", new long[] {classes}, new float[classes]));
            Operand<TFloat32> probabilities = tf.withName("probabilities").nn.softmax(logits);
            Operand<TInt64> predicted = tf.withName("classes").math.argMax(logits, tf.constant(1), TInt64.class);
            // What a TF1 training graph leaves behind: a global step and an update of a weight.
            variable(tf, "global_step_f", new long[] {}, new float[] {0});
            tf.withName("train_update").train.applyGradientDescent(denseKernel, tf.constant(0.1f),
                    tf.zerosLike(denseKernel));
            session.initialize();
            Signature signature = Signature.builder().key(SavedModelWriter.DEFAULT_SIGNATURE).input("images", input)
                    .output("classes", predicted).output("probabilities", probabilities).build();
            SavedModelBundle.exporter(dir.toString()).withFunction(SessionFunction.create(signature, session))
                    .export();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return dir;
    }

    /** A reference variable initialised to {@code values}, read through an Identity as TF1 layers do (TF1 names them {@code kernel/read}; TF Java's scopes make flat
     * names easier here). */
    private static Operand<TFloat32> read(Ops tf, String name, long[] shape, float[] values) {
        return tf.withName(name + "_read").identity(variable(tf, name, shape, values));
    }

    private static Variable<TFloat32> variable(Ops tf, String name, long[] shape, float[] values) {
        Operand<TFloat32> init = tf.reshape(tf.constant(values), tf.constant(shape));
        return tf.withName(name).variable(tf.ensureShape(init, Shape.of(shape)));
    }

    private static float[] uniform(SplittableRandom random, int n, double limit) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((random.nextDouble() * 2 - 1) * limit);
        }
        return v;
    }

    private static float[] shifted(SplittableRandom random, int n, double center) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (center + 0.2 * (random.nextDouble() - 0.5));
        }
        return v;
    }
}
