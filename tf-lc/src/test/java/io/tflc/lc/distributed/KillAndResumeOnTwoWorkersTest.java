package io.tflc.lc.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonParser;
import io.tflc.lc.FashionMnist;
import io.tflc.lc.TestModels;
import io.tflc.lc.algorithm.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20: a plan on two loopback workers (child JVMs, tiny model, few steps). Killing the follower mid-run ends the
 * run within 60 s with a message naming it, the checkpoint stays, and {@code --resume} completes on two workers whose
 * weights and Θ end bit-identical (their digests), with the workers in report.json. And diverging L-steps are
 * retried and stop the run on both workers at once.
 */
class KillAndResumeOnTwoWorkersTest {
    private static final Pattern FOLLOWER = Pattern.compile("worker 1 \\(127\\.0\\.0\\.1:\\d+\\): pid (\\d+)");
    private static final Pattern DIGEST = Pattern.compile("replica digest: (weights \\w+, Θ \\w+)");

    /** Three LC steps of k = 2 on the tiny reference's kernels, at the learning rate and into the folder given. */
    private static final String PLAN = """
            {"model": {"savedmodel": "reference"},
             "data": {"source": "idx:data"},
             "tasks": [{"weights": "re:dense.*/kernel", "compression": {"type": "adaptive_codebook", "k": 2}}],
             "schedule": {"mu0": 1e-3, "growth": 1.5, "steps": 3},
             "l_step": {"epochs": 1, "batch_size": 40, "lr0": %s},
             "seed": 1, "output": "%s"}""";

    /** The tiny reference and a small copy of the data (each worker process loads it; the full set takes seconds). */
    private static void referenceAndData(Path dir) throws IOException {
        TestModels.trainAndSave(1, 16, FashionMnist.get().train().head(1000), 1, dir.resolve("reference"));
        Path data = Files.createDirectories(dir.resolve("data"));
        smallIdx("train", 1000, data);
        smallIdx("t10k", 200, data);
    }

    @Test
    void aKilledWorkerStopsTheRunAndResumeCompletesInSync(@TempDir Path dir) throws Exception {
        referenceAndData(dir);
        Path plan = Files.writeString(dir.resolve("plan.json"), PLAN.formatted("0.02", "run"));
        Path run = dir.resolve("run");

        Process first = lead(dir, plan, false, "first");
        long follower = waitForFollowerInStep(dir.resolve("first.out"), first);
        ProcessHandle.of(follower).orElseThrow().destroyForcibly();
        long killed = System.nanoTime();
        assertTrue(first.waitFor(60, TimeUnit.SECONDS), "the run did not end within 60 s of the worker's death");
        System.out.printf("the run ended %.1f s after worker 1 was killed%n", (System.nanoTime() - killed) / 1e9);
        String message = Files.readString(dir.resolve("first.err"));
        assertTrue(first.exitValue() != 0, message);
        assertTrue(message.contains("worker 1 (127.0.0.1:") && message.contains("worker-1.log")
                && message.contains("--resume"), message);
        assertTrue(Files.exists(run.resolve("checkpoint").resolve(Checkpoint.MANIFEST)), "the checkpoint is gone");

        Process resumed = lead(dir, plan, true, "resumed");
        assertTrue(resumed.waitFor(300, TimeUnit.SECONDS), "the resumed run did not finish");
        String out = Files.readString(dir.resolve("resumed.out"));
        assertEquals(0, resumed.exitValue(), out + Files.readString(dir.resolve("resumed.err")));
        String leader = last(DIGEST, out);
        String followerDigest = last(DIGEST, Files.readString(run.resolve("workers").resolve("worker-1.log")));
        assertEquals(leader, followerDigest, "the replicas ended with different weights or Θ");
        JsonArray workers = JsonParser.parseString(Files.readString(run.resolve("report.json"))).getAsJsonObject()
                .getAsJsonArray("workers");
        assertEquals(2, workers.size());
        assertEquals(500, workers.get(1).getAsJsonObject().get("shard_examples_per_epoch").getAsInt());
        assertTrue(Files.isDirectory(run.resolve("model")), "no model exported");

        // The same plan in this process alone: 1,000 examples are 25 global batches of 40, so both runs take the
        // same batches, and the mean of two half-batch gradients is the batch's: the same run up to rounding.
        Path alonePlan = Files.writeString(dir.resolve("alone.json"), PLAN.formatted("0.02", "alone"));
        io.tflc.lc.algorithm.LcReport alone = io.tflc.lc.api.PlanRunner.run(io.tflc.lc.plan.PlanParser.parse(alonePlan),
                io.tflc.lc.plan.PlanParser.fingerprint(alonePlan), "alone", io.tflc.lc.api.PlanRunner.Options.NEW,
                new io.tflc.lc.algorithm.LcRun.Listener() { }).report();
        JsonArray steps = JsonParser.parseString(Files.readString(run.resolve("report.json"))).getAsJsonObject()
                .getAsJsonArray("steps");
        assertEquals(alone.steps().size(), steps.size());
        for (int i = 0; i < steps.size(); i++) {
            double distributed = steps.get(i).getAsJsonObject().get("train_loss").getAsDouble();
            assertEquals(alone.steps().get(i).trainLoss(), distributed, 1e-4, "LC step " + (i + 1) + "'s nested "
                    + "training loss on two workers and alone");
        }
    }

    /**
     * Issue 16 on two workers: at lr0 = 40 LC step 1 explodes and trains at 20, and step 2 explodes at 20, 10, 5 and
     * 2.5, so the run stops and exports DC. The replicas judge their averaged epoch loss, so they retry and stop at
     * the same points as the same plan alone, end with the same weights, and the run ends instead of hanging.
     */
    @Test
    void divergedStepsAreRetriedAndStoppedTogether(@TempDir Path dir) throws Exception {
        referenceAndData(dir);
        Path plan = Files.writeString(dir.resolve("plan.json"), PLAN.formatted("40", "run"));
        Process run = lead(dir, plan, false, "diverging");
        assertTrue(run.waitFor(300, TimeUnit.SECONDS), "the run did not end");
        String out = Files.readString(dir.resolve("diverging.out"));
        assertEquals(0, run.exitValue(), out + Files.readString(dir.resolve("diverging.err")));
        String follower = Files.readString(dir.resolve("run").resolve("workers").resolve("worker-1.log"));
        assertEquals(last(DIGEST, out), last(DIGEST, follower), "the replicas ended with different weights or Θ");

        Path alonePlan = Files.writeString(dir.resolve("alone.json"), PLAN.formatted("40", "alone"));
        List<String> alone = new java.util.ArrayList<>();
        io.tflc.lc.api.PlanRunner.run(io.tflc.lc.plan.PlanParser.parse(alonePlan),
                io.tflc.lc.plan.PlanParser.fingerprint(alonePlan), "alone", io.tflc.lc.api.PlanRunner.Options.NEW,
                new io.tflc.lc.algorithm.LcRun.Listener() {
                    @Override
                    public void notice(String message) {
                        alone.add(message);
                    }
                });
        List<String> expected = divergences(String.join("\n", alone));
        assertEquals(List.of("LC step 1 diverged at lr=40.0", "LC step 2 diverged at lr=20.0",
                "LC step 2 diverged at lr=10.0", "LC step 2 diverged at lr=5.00", "LC step 2 diverged 4 times"),
                expected, "the plan alone: one retry that trains, then a step that stops the run");
        assertEquals(expected, divergences(out), "worker 0");
        assertEquals(expected, divergences(follower), "worker 1");
        assertTrue(out.contains("direct compression (step 0)"), out);
    }

    /** The divergence notices' heads, in order. */
    private static List<String> divergences(String log) {
        Matcher m = Pattern.compile("LC step \\d+ diverged (at lr=[0-9.]+|\\d+ times)").matcher(log);
        List<String> found = new java.util.ArrayList<>();
        while (m.find()) {
            found.add(m.group());
        }
        return found;
    }

    /** The first {@code count} examples of Fashion-MNIST's {@code prefix} files, as IDX files in {@code dir}. */
    private static void smallIdx(String prefix, int count, Path dir) throws IOException {
        for (String kind : List.of("images-idx3", "labels-idx1")) {
            String name = prefix + "-" + kind + "-ubyte.gz";
            byte[] all;
            try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(
                    io.tflc.lc.data.Datasets.FASHION_MNIST.resolve(name)))) {
                all = in.readAllBytes();
            }
            // Big-endian header: magic, then the dimensions; images 16 bytes + 784 a row, labels 8 + 1.
            boolean images = kind.startsWith("images");
            int header = images ? 16 : 8;
            byte[] part = java.util.Arrays.copyOf(all, header + count * (images ? 784 : 1));
            java.nio.ByteBuffer.wrap(part).putInt(4, count);
            try (var out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(dir.resolve(name)))) {
                out.write(part);
            }
        }
    }

    private static Process lead(Path dir, Path plan, boolean resume, String name) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                WorkerMain.class.getName(), "lead", plan.toString(), "2"));
        if (resume) {
            command.add("--resume");
        }
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(dir.resolve(name + ".out").toFile()).redirectError(dir.resolve(name + ".err").toFile());
        builder.environment().put("TF_CPP_MIN_LOG_LEVEL", "2");
        return builder.start();
    }

    /** The follower's pid, once the run is in its second LC step (a checkpoint written, collectives under way). */
    private static long waitForFollowerInStep(Path out, Process leader) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (System.nanoTime() < deadline) {
            String text = Files.exists(out) ? Files.readString(out) : "";
            Matcher m = FOLLOWER.matcher(text);
            if (m.find() && text.contains("LC step 2/")) {
                return Long.parseLong(m.group(1));
            }
            if (!leader.isAlive()) {
                throw new AssertionError("the run ended before it could be interrupted:\n" + text);
            }
            Thread.sleep(100);
        }
        leader.destroyForcibly();
        throw new AssertionError("the run never reached LC step 2:\n" + Files.readString(out));
    }

    private static String last(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        String found = null;
        while (m.find()) {
            found = m.group(1);
        }
        assertTrue(found != null, "no replica digest in:\n" + text);
        return found;
    }
}
