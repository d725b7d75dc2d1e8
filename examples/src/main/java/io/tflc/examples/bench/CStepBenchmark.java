package io.tflc.examples.bench;

import io.tflc.compressors.CStep;
import io.tflc.compressors.Compression;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.additive.AdditiveCombination;
import io.tflc.compressors.lowrank.FixedRank;
import io.tflc.compressors.lowrank.RankSelection;
import io.tflc.compressors.pruning.L0Constraint;
import io.tflc.compressors.pruning.L0Penalty;
import io.tflc.compressors.pruning.L1Constraint;
import io.tflc.compressors.pruning.L1Penalty;
import io.tflc.compressors.quantization.AdaptiveCodebook;
import io.tflc.compressors.quantization.Binary;
import io.tflc.compressors.quantization.ScaledBinary;
import io.tflc.compressors.quantization.ScaledTernary;
import io.tflc.compressors.quantization.VectorQuantization;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One LC C-step per compression type: on the three weight matrices of LeNet300 (784×300, 300×100, 100×10 =
 * 266,200 values, Glorot-scaled Gaussian), one task per layer as the LC loop runs them, and on one 2048×2048
 * matrix. Time per C-step in milliseconds.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx8g")
public class CStepBenchmark {

    /** μ of a mid-schedule LC step, for the penalty forms. */
    private static final double MU = 1e-2;

    private static final Map<String, Function<Integer, Compression>> COMPRESSIONS = Map.ofEntries(
            Map.entry("codebook_k2", size -> new AdaptiveCodebook(2)),
            Map.entry("codebook_k4", size -> new AdaptiveCodebook(4)),
            Map.entry("codebook_k16", size -> new AdaptiveCodebook(16)),
            Map.entry("binary", size -> new Binary()),
            Map.entry("scaled_binary", size -> new ScaledBinary()),
            Map.entry("scaled_ternary", size -> new ScaledTernary()),
            Map.entry("l0_constraint_5pct", size -> L0Constraint.keepFraction(0.05)),
            Map.entry("l1_constraint", size -> new L1Constraint(0.1 * size)),
            Map.entry("l0_penalty", size -> new L0Penalty(1e-5)),
            Map.entry("l1_penalty", size -> new L1Penalty(1e-4)),
            Map.entry("low_rank_r10", size -> new FixedRank(10)),
            Map.entry("rank_selection", size -> new RankSelection(1e-6)),
            Map.entry("codebook_k2_plus_l0_1pct", size -> new AdditiveCombination(
                    List.of(new AdaptiveCodebook(2), L0Constraint.keepFraction(0.01)))),
            Map.entry("vq_k16_d4", size -> new VectorQuantization(16, 4, 1, 0)));

    @Param({"lenet300", "matrix2048"})
    public String weights;

    @Param({"codebook_k2", "codebook_k4", "codebook_k16", "binary", "scaled_binary", "scaled_ternary",
            "l0_constraint_5pct", "l1_constraint", "l0_penalty", "l1_penalty", "low_rank_r10", "rank_selection",
            "codebook_k2_plus_l0_1pct", "vq_k16_d4"})
    public String compression;

    private List<Matrix> layers;
    private List<Compression> tasks;

    @Setup
    public void setUp() {
        Random random = new Random(42);
        int[][] shapes = weights.equals("lenet300")
                ? new int[][] {{784, 300}, {300, 100}, {100, 10}}
                : new int[][] {{2048, 2048}};
        layers = java.util.Arrays.stream(shapes).map(s -> glorot(random, s[0], s[1])).toList();
        tasks = layers.stream().map(m -> COMPRESSIONS.get(compression).apply(m.size())).toList();
    }

    @Benchmark
    public void cStep(Blackhole sink) {
        for (int i = 0; i < layers.size(); i++) {
            sink.consume(tasks.get(i).compress(layers.get(i), CStep.direct(MU)));
        }
    }

    private static Matrix glorot(Random random, int rows, int cols) {
        double scale = Math.sqrt(2.0 / (rows + cols));
        double[] v = new double[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = random.nextGaussian() * scale;
        }
        return Matrix.of(rows, cols, v);
    }
}
