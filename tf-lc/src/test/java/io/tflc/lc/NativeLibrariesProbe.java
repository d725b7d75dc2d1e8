package io.tflc.lc;

import io.tflc.compressors.CStep;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.lowrank.FixedRank;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Constant;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;

/**
 * Run in its own JVM by {@link NativeLibrariesTest}: initialises ND4J (with the OpenBLAS LAPACK tf-lc calls)
 * and TensorFlow in the order of its arguments ("nd4j", "tf") and does real work in each, printing one line per
 * library. Exits non-zero if a result is wrong.
 */
public final class NativeLibrariesProbe {

    public static void main(String[] args) {
        for (String library : args) {
            switch (library) {
                case "nd4j" -> nd4j();
                case "tf" -> tensorflow();
                default -> throw new IllegalArgumentException("unknown library " + library);
            }
        }
    }

    private static void nd4j() {
        double[] a = {1, 2, 3, 4, 5, 6};
        double[] b = {7, 8, 9, 10, 11, 12};
        try (INDArray x = Nd4j.create(a, new long[] {2, 3}, DataType.DOUBLE);
             INDArray y = Nd4j.create(b, new long[] {3, 2}, DataType.DOUBLE);
             INDArray product = x.mmul(y)) {
            // [[58, 64], [139, 154]]
            check(product.getDouble(0, 0) == 58 && product.getDouble(1, 1) == 154, "ND4J gemm " + product);
        }
        Matrix m = Matrix.of(3, 2, new double[] {3, 1, 1, 3, 0, 0});
        Matrix rank1 = new FixedRank(1).compress(m, CStep.direct(1)).decompress();
        // Singular values 4 and 2: the best rank-1 error is 2² = 4.
        check(Math.abs(m.squaredDistance(rank1) - 4) < 1e-9, "LAPACK truncated SVD error " + m.squaredDistance(rank1));
        System.out.println("nd4j ok: gemm and LAPACK SVD on " + openBlasLibraries());
    }

    /**
     * The OpenBLAS libraries mapped into this process; all from the pinned openblas jar proves that ND4J's gemm and
     * tf-lc's LAPACK calls run on the checked library and not on the one ND4J was built with.
     */
    private static Set<String> openBlasLibraries() {
        try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
            return maps.map(line -> line.substring(line.lastIndexOf(' ') + 1))
                    .filter(path -> path.contains("libopenblas"))
                    .collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void tensorflow() {
        try (Graph graph = new Graph(); Session session = new Session(graph)) {
            Ops tf = Ops.create(graph);
            Constant<TFloat32> x = tf.constant(new float[][] {{1, 2}, {3, 4}});
            MatMul<TFloat32> product = tf.linalg.matMul(x, x);
            try (Result result = session.runner().fetch(product).run()) {
                TFloat32 value = (TFloat32) result.get(0);
                // [[7, 10], [15, 22]]
                check(value.getFloat(0, 0) == 7 && value.getFloat(1, 1) == 22, "TF matmul");
            }
        }
        System.out.println("tf ok: matmul in a session");
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            System.err.println("wrong result: " + what);
            System.exit(2);
        }
    }
}
