package io.tflc.examples.bench;

import io.tflc.examples.ReferenceModels;
import io.tflc.lc.data.BatchSource;
import io.tflc.lc.data.DataSpec;
import io.tflc.lc.data.Dataset;
import io.tflc.lc.data.Datasets;
import io.tflc.lc.data.TfRecordStream;
import io.tflc.lc.lstep.LStepGraph;
import io.tflc.savedmodels.TrainableModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Training streamed from TFRecord files (tf-lc's {@link TfRecordStream}) against training from memory, with
 * LeNet300's penalised L-step ({@link PenalizedLStep}, batches of 128):
 * <ol>
 * <li>writes, once, Fashion-MNIST's training set repeated with jitter into at least {@code --gigabytes} GB
 * (10⁹ bytes) of TFRecord shards under {@code runs/bench/stream/}, the pixels as {@code --format} {@code raw} bytes
 * (default; a quarter of the bytes of floats and cheaper to parse) or {@code float} lists
 * ({@link JitteredTfRecordSet});
 * <li>streams {@code --passes} L-step epochs over the whole set, sampling this process's resident memory every
 * few batches ({@link ResidentMemory}): reading more data must not take more memory;
 * <li>times an L-step epoch over the 60,000 unchanged images streamed from shard 0 against the same epoch from
 * memory ({@code Dataset}, {@code Minibatches}), alternated after a warm-up each ({@link Paired}), medians of
 * {@code --repetitions}; the ratio streamed / in memory has the goal ≤ 1.15. Then the same with the stream's parsed
 * blocks cached in a temporary folder beside the set ({@link TfRecordStream#cachedIn}), deleted afterwards.
 * </ol>
 * The streamed passes permute blocks of {@code --shuffle-buffer} records; the in-memory ones permute the whole set. A set just written (or smaller than the free RAM) is likely read from the page cache, not the disk.
 * Last, the process's CPU time of one more epoch of each and of a streamed pass without training: reading,
 * shuffling and parsing cost CPU time, which training hides only where it leaves cores idle.
 */
final class StreamBenchmark {
    static final String USAGE = "bench stream [--format raw|float (raw)] [--gigabytes G (4)] [--passes P (2)] "
            + "[--shuffle-buffer B (10000)] [--repetitions R (9)]";
    private static final int BATCH = 128;
    private static final double MU = 1e-2;
    private static final int[] FLAT = {784};
    /** The shards hold pixel values 0..255 (as raw bytes or floats). */
    private DataSpec scaled() {
        return new DataSpec(null, null, format.decode(), null, DataSpec.Preprocess.NONE.withScale(1f / 255));
    }
    /** Resident memory samples per pass, about. */
    private static final int SAMPLES_PER_PASS = 200;

    private JitteredTfRecordSet.Format format = JitteredTfRecordSet.Format.RAW;
    private double gigabytes = 4;
    private int passes = 2;
    private int shuffleBuffer = 10_000;
    private int repetitions = 9;

    private StreamBenchmark() {
    }

    static int run(List<String> args, Path home) throws Exception {
        StreamBenchmark bench = new StreamBenchmark();
        for (int i = 0; i < args.size(); i += 2) {
            String value = i + 1 < args.size() ? args.get(i + 1) : null;
            if (value == null) {
                return usage("option " + args.get(i) + " needs a value");
            }
            switch (args.get(i)) {
                case "--format" -> {
                    if (!value.equals("raw") && !value.equals("float")) {
                        return usage("--format is raw or float, not " + value);
                    }
                    bench.format = JitteredTfRecordSet.Format.valueOf(value.toUpperCase(Locale.ROOT));
                }
                case "--gigabytes" -> bench.gigabytes = Double.parseDouble(value);
                case "--passes" -> bench.passes = Integer.parseInt(value);
                case "--shuffle-buffer" -> bench.shuffleBuffer = Integer.parseInt(value);
                case "--repetitions" -> bench.repetitions = Integer.parseInt(value);
                default -> {
                    return usage("unknown option " + args.get(i));
                }
            }
        }
        if (bench.gigabytes <= 0 || bench.passes < 1 || bench.shuffleBuffer < 1 || bench.repetitions < 1) {
            return usage("every value must be positive");
        }
        JitteredTfRecordSet.Written set = bench.writeSet(home.resolve("runs/bench/stream"));
        bench.streamWholeSet(set);
        bench.compareWithMemory(set);
        return 0;
    }

    private static int usage(String problem) {
        System.err.println("tf-lc " + problem + "\nusage: " + USAGE);
        return 2;
    }

    private JitteredTfRecordSet.Written writeSet(Path root) throws Exception {
        JitteredTfRecordSet.Written set = JitteredTfRecordSet.ensure(root, (long) (gigabytes * 1e9), format);
        if (set.reused()) {
            System.out.printf(Locale.ROOT, "1. TFRecord set of %s pixels (reused): %s, %d shards, %,d bytes "
                    + "(%.2f GB)%n", format.decode(), set.dir(), set.shards().size(), set.bytes(), set.bytes() / 1e9);
        } else {
            System.out.printf(Locale.ROOT, "1. TFRecord set of %s pixels written: %s, %d shards, %,d bytes "
                            + "(%.2f GB) in %.1f s (%.1f MB/s)%n", format.decode(), set.dir(), set.shards().size(),
                    set.bytes(), set.bytes() / 1e9, set.seconds(), set.bytes() / 1e6 / set.seconds());
        }
        return set;
    }

    /** Streams {@link #passes} penalised L-step epochs over every shard, sampling resident memory. */
    private void streamWholeSet(JitteredTfRecordSet.Written set) throws Exception {
        TfRecordStream all = TfRecordStream.open(set.glob(), scaled(), FLAT, shuffleBuffer);
        try (TrainableModel model = ReferenceModels.lenet300(1); BatchSource batches = all.batches(BATCH)) {
            LStepGraph lstep = PenalizedLStep.on(model, MU);
            int count = batches.count();
            long total = (long) count * passes;
            long every = Math.max(1, count / SAMPLES_PER_PASS);
            ResidentMemory memory = new ResidentMemory();
            long before = ResidentMemory.residentBytes();
            long[] done = {0};
            Runnable afterBatch = () -> {
                done[0]++;
                if (done[0] == 1 || done[0] % every == 0 || done[0] == total) {
                    memory.sample(done[0]);
                }
            };
            System.out.printf(Locale.ROOT, "2. %d streamed L-step epoch%s over %s: %,d examples, %,d batches of %d, "
                            + "shuffle buffer %,d; resident before: %.1f MB%n", passes, passes == 1 ? "" : "s",
                    set.glob(), all.size(), count, BATCH, shuffleBuffer, before / 1e6);
            SplittableRandom random = new SplittableRandom(1);
            for (int pass = 1; pass <= passes; pass++) {
                long start = System.nanoTime();
                LStepGraph.EpochLoss loss = lstep.epoch(batches, random, afterBatch);
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf(Locale.ROOT, "  pass %d: %.1f s, %,.0f examples/s, %.1f MB/s of records, "
                                + "data loss %.4f%n", pass, seconds, all.size() / seconds,
                        set.bytes() / 1e6 / seconds, loss.data());
            }
            System.out.println("  resident memory, after batch:");
            memory.print(System.out, total, "batch");
            if (!java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()
                    .contains("-XX:+AlwaysPreTouch")) {
                System.out.println("  (the Java heap's pages become resident as it first uses them, which adds to "
                        + "these figures; for native memory alone run with TFLC_JAVA_OPTS=\"-Xms1g -Xmx1g "
                        + "-XX:+AlwaysPreTouch\")");
            }
        }
    }

    /**
     * The same 60,000 images streamed from shard 0 and held in memory, epoch against epoch: streamed as they are,
     * then with the parsed blocks cached in a temporary folder ({@link TfRecordStream#cachedIn}; the warm-up pass
     * writes the cache), deleted afterwards.
     */
    private void compareWithMemory(JitteredTfRecordSet.Written set) throws Exception {
        Path shard = set.shards().get(0);
        TfRecordStream streamed = TfRecordStream.open(shard.toString(), scaled(), FLAT, shuffleBuffer);
        Path cacheFolder = java.nio.file.Files.createTempDirectory(set.dir().getParent(), "cache-");
        Dataset inMemory = Datasets.fashionMnist().train();
        try (TrainableModel model = ReferenceModels.lenet300(1);
             BatchSource fromMemory = inMemory.batches(BATCH);
             BatchSource fromFile = streamed.batches(BATCH);
             BatchSource fromCache = streamed.cachedIn(cacheFolder).batches(BATCH)) {
            LStepGraph lstep = PenalizedLStep.on(model, MU);
            SplittableRandom seeds = new SplittableRandom(2);
            System.out.printf(Locale.ROOT, "3. LeNet300 L-step epoch (60,000 images, batch %d), medians of %d "
                    + "(min–max), pairs alternated:%n", BATCH, repetitions);
            for (boolean cached : new boolean[] {false, true}) {
                BatchSource source = cached ? fromCache : fromFile;
                Paired epochs = Paired.time(repetitions, seeds::nextLong,
                        seed -> lstep.epoch(fromMemory, new SplittableRandom(seed), () -> { }),
                        seed -> lstep.epoch(source, new SplittableRandom(seed), () -> { }));
                System.out.printf(Locale.ROOT, "  in memory              %s s%n  streamed from %s%s  %s s%n"
                                + "  ratio streamed/in-memory %s (goal ≤ 1.15)%n", epochs.first().format("%.3f"),
                        shard.getFileName(), cached ? ", parsed blocks cached" : "", epochs.second().format("%.3f"),
                        epochs.ratio().format("%.3f"));
            }
            double[] memory = cpuAndWall(() -> lstep.epoch(fromMemory, new SplittableRandom(3), () -> { }));
            double[] file = cpuAndWall(() -> lstep.epoch(fromFile, new SplittableRandom(3), () -> { }));
            double[] cache = cpuAndWall(() -> lstep.epoch(fromCache, new SplittableRandom(3), () -> { }));
            double[] alone = cpuAndWall(() -> fromFile.shuffled(new SplittableRandom(3), batch -> { }));
            double[] aloneCached = cpuAndWall(() -> fromCache.shuffled(new SplittableRandom(3), batch -> { }));
            System.out.printf(Locale.ROOT, "  CPU time of this process (%d cores), one more epoch each:%n"
                            + "    in memory %.2f s of CPU in %.2f s (%.2f cores busy)%n"
                            + "    streamed  %.2f s of CPU in %.2f s (%.2f cores busy)%n"
                            + "    cached    %.2f s of CPU in %.2f s (%.2f cores busy)%n"
                            + "    the streamed pass alone, no training: %.2f s of CPU in %.2f s; cached: %.2f s in "
                            + "%.2f s%n",
                    Runtime.getRuntime().availableProcessors(), memory[0], memory[1], memory[0] / memory[1], file[0],
                    file[1], file[0] / file[1], cache[0], cache[1], cache[0] / cache[1], alone[0], alone[1],
                    aloneCached[0], aloneCached[1]);
        } finally {
            try (var files = java.nio.file.Files.list(cacheFolder)) {
                for (Path f : files.toList()) {
                    java.nio.file.Files.delete(f);
                }
            }
            java.nio.file.Files.delete(cacheFolder);
        }
    }

    /** {CPU seconds of the whole process, wall seconds} of {@code action}. */
    private static double[] cpuAndWall(Runnable action) {
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu = os.getProcessCpuTime();
        long start = System.nanoTime();
        action.run();
        return new double[] {(os.getProcessCpuTime() - cpu) / 1e9, (System.nanoTime() - start) / 1e9};
    }
}
