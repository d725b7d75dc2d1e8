package io.tflc.savedmodels.layers;

import io.tflc.savedmodels.TrainableModel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.op.nn.FusedBatchNorm;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Builds classifiers layer by layer in a TF graph, Keras-style names included ({@code dense_1/kernel}), with every
 * weight a resource variable initialised from a seeded Java RNG (Glorot uniform kernels, zero biases). Layouts
 * are TF's: inputs NHWC, dense kernels (in, out), convolution kernels HWIO.
 */
public final class LayerGraph {
    private final Graph graph;
    private final Ops tf;
    private final SplittableRandom random;
    private final Map<String, float[]> initialValues = new LinkedHashMap<>();

    public LayerGraph(Graph graph, long seed) {
        this.graph = graph;
        this.tf = Ops.create(graph);
        this.random = new SplittableRandom(seed);
    }

    public Ops ops() {
        return tf;
    }

    /** The input placeholder {@code input}, of shape [batch, exampleShape…]. */
    public Placeholder<TFloat32> input(long... exampleShape) {
        long[] dims = new long[exampleShape.length + 1];
        dims[0] = -1;
        System.arraycopy(exampleShape, 0, dims, 1, exampleShape.length);
        return tf.withName("input").placeholder(TFloat32.class, Placeholder.shape(Shape.of(dims)));
    }

    /** x·kernel + bias, with an optional ReLU. */
    public Operand<TFloat32> dense(String name, Operand<TFloat32> x, int units, boolean relu) {
        long in = x.shape().size(1);
        Ops scope = tf.withSubScope(name);
        Operand<TFloat32> kernel = variable(scope, name, "kernel", Shape.of(in, units), glorot(in * units, in, units));
        Operand<TFloat32> bias = variable(scope, name, "bias", Shape.of(units), new float[units]);
        Operand<TFloat32> z = scope.nn.biasAdd(scope.linalg.matMul(x, kernel), bias);
        return relu ? scope.nn.relu(z) : z;
    }

    /** A VALID convolution of stride 1 with a size×size kernel, + bias, optional ReLU. */
    public Operand<TFloat32> conv2d(String name, Operand<TFloat32> x, int filters, int size, boolean relu) {
        long in = x.shape().size(3);
        Ops scope = tf.withSubScope(name);
        long fan = (long) size * size;
        Operand<TFloat32> kernel = variable(scope, name, "kernel", Shape.of(size, size, in, filters),
                glorot(fan * in * filters, fan * in, fan * filters));
        Operand<TFloat32> bias = variable(scope, name, "bias", Shape.of(filters), new float[filters]);
        Operand<TFloat32> z = scope.nn.biasAdd(
                scope.nn.conv2d(x, kernel, java.util.List.of(1L, 1L, 1L, 1L), "VALID"), bias);
        return relu ? scope.nn.relu(z) : z;
    }

    /**
     * A size×size convolution with the given stride and TF padding ({@code SAME} or {@code VALID}), no bias (the
     * BatchNorm that follows has one), as residual networks use it.
     */
    public Operand<TFloat32> conv2d(String name, Operand<TFloat32> x, int filters, int size, int stride,
                                    String padding) {
        long in = x.shape().size(3);
        Ops scope = tf.withSubScope(name);
        long fan = (long) size * size;
        Operand<TFloat32> kernel = variable(scope, name, "kernel", Shape.of(size, size, in, filters),
                glorot(fan * in * filters, fan * in, fan * filters));
        return scope.nn.conv2d(x, kernel, java.util.List.of(1L, (long) stride, (long) stride, 1L), padding);
    }

    /** A size×size depthwise convolution (one filter per input channel, multiplier 1), SAME, stride 1, + bias. */
    public Operand<TFloat32> depthwiseConv2d(String name, Operand<TFloat32> x, int size) {
        return depthwiseConv2d(name, x, size, 1);
    }

    /**
     * A size×size depthwise convolution with {@code multiplier} filters per input channel (output channel c·M + m
     * comes from input channel c), SAME, stride 1, + bias.
     */
    public Operand<TFloat32> depthwiseConv2d(String name, Operand<TFloat32> x, int size, int multiplier) {
        long channels = x.shape().size(3);
        long out = channels * multiplier;
        Ops scope = tf.withSubScope(name);
        long fan = (long) size * size;
        Operand<TFloat32> kernel = variable(scope, name, "depthwise_kernel",
                Shape.of(size, size, channels, multiplier), glorot(fan * out, fan, fan * multiplier));
        Operand<TFloat32> bias = variable(scope, name, "bias", Shape.of(out), new float[(int) out]);
        return scope.nn.biasAdd(scope.nn.depthwiseConv2dNative(x, kernel, java.util.List.of(1L, 1L, 1L, 1L), "SAME"),
                bias);
    }

    /**
     * Inference-mode BatchNorm over the last axis, Keras names ({@code gamma}, {@code beta}, {@code moving_mean},
     * {@code moving_variance}); the statistics start at values drawn near (0, 1) so that folding them is not a no-op.
     */
    public Operand<TFloat32> batchNorm(String name, Operand<TFloat32> x) {
        int channels = (int) x.shape().size(x.shape().numDimensions() - 1);
        Ops scope = tf.withSubScope(name);
        float[] gamma = new float[channels];
        float[] beta = new float[channels];
        float[] mean = new float[channels];
        float[] variance = new float[channels];
        for (int c = 0; c < channels; c++) {
            gamma[c] = (float) (0.8 + 0.4 * random.nextDouble());
            beta[c] = (float) (0.2 * random.nextDouble() - 0.1);
            mean[c] = (float) (0.2 * random.nextDouble() - 0.1);
            variance[c] = (float) (0.5 + random.nextDouble());
        }
        Operand<TFloat32> g = variable(scope, name, "gamma", Shape.of(channels), gamma);
        Operand<TFloat32> b = variable(scope, name, "beta", Shape.of(channels), beta);
        Operand<TFloat32> m = variable(scope, name, "moving_mean", Shape.of(channels), mean);
        Operand<TFloat32> v = variable(scope, name, "moving_variance", Shape.of(channels), variance);
        return scope.nn.fusedBatchNorm(x, g, b, m, v, FusedBatchNorm.epsilon(1e-3f), FusedBatchNorm.isTraining(false))
                .y();
    }

    /**
     * A fresh inference-mode BatchNorm (statistics 0 and 1, β = 0, γ = {@code gamma}): a learned per-channel affine
     * map until statistics are set. γ = 0 on a residual branch's last BatchNorm makes the block start as the
     * identity, which lets a deep residual network train without batch statistics.
     */
    public Operand<TFloat32> batchNorm(String name, Operand<TFloat32> x, float gamma) {
        int channels = (int) x.shape().size(x.shape().numDimensions() - 1);
        Ops scope = tf.withSubScope(name);
        float[] ones = new float[channels];
        float[] gammas = new float[channels];
        java.util.Arrays.fill(ones, 1);
        java.util.Arrays.fill(gammas, gamma);
        Operand<TFloat32> g = variable(scope, name, "gamma", Shape.of(channels), gammas);
        Operand<TFloat32> b = variable(scope, name, "beta", Shape.of(channels), new float[channels]);
        Operand<TFloat32> m = variable(scope, name, "moving_mean", Shape.of(channels), new float[channels]);
        Operand<TFloat32> v = variable(scope, name, "moving_variance", Shape.of(channels), ones);
        return scope.nn.fusedBatchNorm(x, g, b, m, v, FusedBatchNorm.epsilon(1e-3f), FusedBatchNorm.isTraining(false))
                .y();
    }

    /** ReLU. */
    public Operand<TFloat32> relu(Operand<TFloat32> x) {
        return tf.nn.relu(x);
    }

    /** The element-wise sum of two branches (a residual connection). */
    public Operand<TFloat32> add(Operand<TFloat32> a, Operand<TFloat32> b) {
        return tf.math.add(a, b);
    }

    /** Mean over the spatial axes of an NHWC tensor: [batch, H, W, C] to [batch, C]. */
    public Operand<TFloat32> globalAveragePool(Operand<TFloat32> x) {
        return tf.math.mean(x, tf.constant(new int[] {1, 2}));
    }

    /**
     * A Keras-style embedding: token ids given as floats (Keras casts them) look up rows of a [vocabulary, width]
     * table with {@code ResourceGather}; [batch, length] to [batch, length, width].
     */
    public Operand<TFloat32> embedding(String name, Operand<TFloat32> ids, int vocabulary, int width) {
        Ops scope = tf.withSubScope(name);
        VarHandleOp table = scope.withName("embeddings").varHandleOp(TFloat32.class, Shape.of(vocabulary, width),
                VarHandleOp.sharedName(name + "/embeddings"));
        float[] initial = new float[vocabulary * width];
        for (int i = 0; i < initial.length; i++) {
            initial[i] = (float) (random.nextDouble() * 0.1 - 0.05);
        }
        initialValues.put(name + "/embeddings", initial);
        return scope.resourceGather(table, scope.dtypes.cast(ids, TInt32.class), TFloat32.class);
    }

    /** size×size max pooling with stride size. */
    public Operand<TFloat32> maxPool(Operand<TFloat32> x, int size) {
        return tf.nn.maxPool(x, tf.constant(new int[] {1, size, size, 1}), tf.constant(new int[] {1, size, size, 1}),
                "VALID");
    }

    /** [batch, …] to [batch, product of the rest]. */
    public Operand<TFloat32> flatten(Operand<TFloat32> x) {
        long rest = 1;
        for (int i = 1; i < x.shape().numDimensions(); i++) {
            rest *= x.shape().size(i);
        }
        return tf.reshape(x, tf.constant(new long[] {-1, rest}));
    }

    /**
     * The model: names the logits {@code logits} and their softmax {@code probabilities} (what it serves), opens a
     * session and writes the initial weights.
     */
    public TrainableModel build(Placeholder<TFloat32> input, Operand<TFloat32> logits) {
        return build(input, logits, null);
    }

    /**
     * The model with its input and targets computed in the graph (e.g. {@code placeholderWithDefault} over data held
     * in a variable), which training can then run without feeding; targets null: a placeholder.
     */
    public TrainableModel build(Operand<TFloat32> input, Operand<TFloat32> logits, Operand<TFloat32> targets) {
        Operand<TFloat32> named = tf.withName("logits").identity(logits);
        Operand<TFloat32> probabilities = tf.withName("probabilities").nn.softmax(named);
        Session session = new Session(graph);
        try {
            TrainableModel model = new TrainableModel(graph, session, null, input.asOutput(), named.asOutput(),
                    probabilities.asOutput(), "input", "probabilities", targets == null ? null : targets.asOutput());
            model.access().assign(initialValues);
            return model;
        } catch (RuntimeException e) {
            session.close();
            graph.close();
            throw e;
        }
    }

    /** The resource variable {@code layer/local} (one scope per layer: TF Java renames a repeated scope). */
    private Operand<TFloat32> variable(Ops layerScope, String layer, String local, Shape shape, float[] initial) {
        String name = layer + "/" + local;
        VarHandleOp handle = layerScope.withName(local).varHandleOp(TFloat32.class, shape, VarHandleOp.sharedName(name));
        initialValues.put(name, initial);
        return layerScope.readVariableOp(handle, TFloat32.class);
    }

    private float[] glorot(long count, long fanIn, long fanOut) {
        double limit = Math.sqrt(6.0 / (fanIn + fanOut));
        float[] v = new float[Math.toIntExact(count)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((random.nextDouble() * 2 - 1) * limit);
        }
        return v;
    }
}
