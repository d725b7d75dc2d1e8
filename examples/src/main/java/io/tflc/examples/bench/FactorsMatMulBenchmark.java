package io.tflc.examples.bench;

import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.sparse.SparseTensorDenseMatMul;
import org.tensorflow.types.TFloat32;

/**
 * Whether a dense layer whose kernel is stored as sparse factors (issue 19: each run of 8 values along a row is the
 * sum of s = 2 of k = 16 codebook rows) would serve faster computed from the factors than decoded to dense at load.
 * The factored product: A = S·xᵀ, S the (n/8·k)×m matrix that counts how often each vector takes each codebook row
 * (n·m/8·s nonzeros, a sparse–dense MatMul), then each block of A times C (k×8); s/8 = a quarter of the dense
 * multiply-adds plus 2k/m of them for C. Both graphs hold the same random factors as constants; the outputs are
 * checked equal first. Kernels whose rows hold a whole number of vectors (784×296, 800×496: LeNet300's and LeNet5's
 * first dense kernels cut to a multiple of 8 columns), batches of 1 and 256, alternating, medians of 15 rounds.
 */
final class FactorsMatMulBenchmark {
    private static final int D = 8;
    private static final int K = 16;
    private static final int TERMS = 2;
    private static final int ROUNDS = 15;

    private FactorsMatMulBenchmark() {
    }

    static int run() {
        System.out.println("factored (sparse S·xᵀ, then ·C) / dense x·W, per batch; medians of " + ROUNDS
                + " alternating rounds (min–max)");
        for (int[] shape : new int[][] {{784, 296}, {800, 496}}) {
            for (int batch : new int[] {1, 256}) {
                measure(shape[0], shape[1], batch);
            }
        }
        return 0;
    }

    private static void measure(int m, int n, int batch) {
        int blocks = n / D;
        Random random = new Random(1);
        float[] codebook = new float[K * D];
        for (int i = 0; i < codebook.length; i++) {
            codebook[i] = (float) (0.05 * random.nextGaussian());
        }
        // S[(block, row), input] = how often the vector (input, block) takes that codebook row; W decoded alongside.
        Map<Long, Float> counts = new TreeMap<>();
        float[] dense = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int b = 0; b < blocks; b++) {
                for (int t = 0; t < TERMS; t++) {
                    int j = random.nextInt(K);
                    counts.merge((long) (b * K + j) * m + i, 1f, Float::sum);
                    for (int q = 0; q < D; q++) {
                        dense[i * n + b * D + q] += codebook[j * D + q];
                    }
                }
            }
        }
        int nonzeros = counts.size();
        long[] indices = new long[2 * nonzeros];
        float[] values = new float[nonzeros];
        int e = 0;
        for (Map.Entry<Long, Float> c : counts.entrySet()) {
            indices[2 * e] = c.getKey() / m;
            indices[2 * e + 1] = c.getKey() % m;
            values[e++] = c.getValue();
        }
        float[] x = new float[batch * m];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        try (Graph graph = new Graph(); Session session = new Session(graph);
             TFloat32 input = TFloat32.tensorOf(Shape.of(batch, m), DataBuffers.of(x))) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> in = tf.placeholder(TFloat32.class);
            Operand<TFloat32> decoded = tf.linalg.matMul(in, tf.constant(Shape.of(m, n), DataBuffers.of(dense)));
            Operand<TFloat32> a = tf.sparse.sparseTensorDenseMatMul(
                    tf.constant(Shape.of(nonzeros, 2), DataBuffers.of(indices)),
                    tf.constant(Shape.of(nonzeros), DataBuffers.of(values)), tf.constant(new long[] {blocks * K, m}),
                    in, SparseTensorDenseMatMul.adjointB(true));
            Operand<TFloat32> perBlock = tf.reshape(tf.linalg.transpose(a, tf.constant(new int[] {1, 0})),
                    tf.constant(new int[] {batch * blocks, K}));
            Operand<TFloat32> factored = tf.reshape(
                    tf.linalg.matMul(perBlock, tf.constant(Shape.of(K, D), DataBuffers.of(codebook))),
                    tf.constant(new int[] {batch, n}));
            double difference = 0;
            try (Result both = session.runner().feed(in, input).fetch(decoded).fetch(factored).run()) {
                TFloat32 p = (TFloat32) both.get(0);
                TFloat32 q = (TFloat32) both.get(1);
                for (int i = 0; i < batch; i++) {
                    for (int j = 0; j < n; j++) {
                        difference = Math.max(difference, Math.abs(p.getFloat(i, j) - q.getFloat(i, j)));
                    }
                }
            }
            if (difference > 1e-3) {
                throw new IllegalStateException("the factored product differs from the dense one by " + difference);
            }
            int calls = batch == 1 ? 500 : 20;
            Paired paired = Paired.time(ROUNDS, () -> input, t -> calls(session, in, t, decoded, calls),
                    t -> calls(session, in, t, factored, calls));
            System.out.printf(Locale.ROOT, "%d×%d kernel, batch %3d (%,d nonzeros in S): dense %s µs, factored %s µs, "
                            + "factored/dense %s%n", m, n, batch, nonzeros,
                    paired.first().scaled(1e6 / calls).format("%.0f"),
                    paired.second().scaled(1e6 / calls).format("%.0f"), paired.ratio().format("%.2f"));
        }
    }

    private static void calls(Session session, Placeholder<TFloat32> in, TFloat32 input, Operand<TFloat32> out,
                              int calls) {
        for (int i = 0; i < calls; i++) {
            try (Result r = session.runner().feed(in, input).fetch(out).run()) {
                // Only the time counts.
            }
        }
    }
}
