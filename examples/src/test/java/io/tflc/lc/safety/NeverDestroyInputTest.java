package io.tflc.lc.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.lc.FashionMnist;
import io.tflc.lc.cli.CliRun;
import io.tflc.lc.cli.CompressCommand;
import io.tflc.lc.cli.PruneIdCommand;
import io.tflc.savedmodels.HostileModels;
import io.tflc.savedmodels.OutputFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, "never destroy the input", through the commands: the user's model keeps its bytes whatever the output
 * says, a folder tf-lc did not make is never replaced, and {@code --force} deletes only a run's own results. (The
 * lock between processes is tested in savedmodels' OutputFolderTest, and by KillAndResumeTest's resume.)
 */
class NeverDestroyInputTest {
    private static final String TASKS = """
            "tasks": [{"weights": "dense/kernel", "compression": {"type": "adaptive_codebook", "k": 2}}],
            "schedule": {"mu0": 1e-3, "growth": 2, "steps": 1}, "l_step": {"epochs": 1, "lr0": 0.01},
            "data": {"train_limit": 500, "test_limit": 200}""";

    @Test
    void aPlanNextToItsModelWritingToItsOwnFolderIsRefused(@TempDir Path dir) throws Exception {
        // The report's case: {"savedmodel": "model", "output": "."} once wrote the 1-bit model over the original.
        Path project = Files.createDirectories(dir.resolve("project"));
        Path model = HostileModels.export(project.resolve("model"));
        Map<Path, String> before = digest(model);
        for (String output : new String[] {".", "model", "model/run"}) {
            Path plan = Files.writeString(project.resolve("plan.json"),
                    "{\"model\": {\"savedmodel\": \"model\"}, " + TASKS + ", \"output\": \"" + output + "\"}");
            for (String[] flags : new String[][] {{}, {"--force"}}) {
                CliRun run = CliRun.of(new CompressCommand(), concat(new String[] {"--plan", plan.toString()}, flags));
                assertNotEquals(0, run.status(), run.all());
                assertTrue(run.error().contains("the model " + model), output + ": " + run.all());
            }
        }
        assertEquals(before, digest(model), "the original model keeps every byte");
    }

    @Test
    void anOutputAroundTheDataIsRefused(@TempDir Path dir) throws Exception {
        Path model = HostileModels.export(dir.resolve("model"));
        Path data = Files.createDirectories(dir.resolve("work/data"));
        Files.writeString(data.resolve("t10k-images-idx3-ubyte"), "the user's data");
        CliRun run = CliRun.of(new PruneIdCommand(), "--model", model.toString(), "--data", data.toString(),
                "--keep", "0.5", "--out", dir.resolve("work").toString(), "--force");
        assertNotEquals(0, run.status(), run.all());
        assertTrue(run.error().contains("contains the data " + data), run.all());
        CliRun over = CliRun.of(new PruneIdCommand(), "--model", model.toString(), "--data", data.toString(),
                "--keep", "0.5", "--out", model.toString(), "--force");
        assertTrue(over.error().contains("is the model " + model), over.all());
        assertEquals("the user's data", Files.readString(data.resolve("t10k-images-idx3-ubyte")));
    }

    @Test
    void aFolderTfLcDidNotMakeIsNeverReplacedAndForceDeletesOnlyARunsResults(@TempDir Path dir) throws Exception {
        FashionMnist.get();
        Path model = HostileModels.export(dir.resolve("model"));
        Path theirs = Files.createDirectories(dir.resolve("theirs"));
        Files.writeString(theirs.resolve("report.md"), "someone else's report");
        Path plan = Files.writeString(dir.resolve("plan.json"),
                "{\"model\": {\"savedmodel\": \"model\"}, " + TASKS + ", \"output\": \"theirs\"}");
        CliRun refused = CliRun.of(new CompressCommand(), "--plan", plan.toString(), "--force");
        assertNotEquals(0, refused.status(), refused.all());
        assertTrue(refused.error().contains("did not write") && refused.error().contains("report.md"), refused.all());
        assertEquals("someone else's report", Files.readString(theirs.resolve("report.md")));

        Files.writeString(plan, "{\"model\": {\"savedmodel\": \"model\"}, " + TASKS + ", \"output\": \"run\"}");
        Path run = dir.resolve("run");
        assertEquals(0, CliRun.of(new CompressCommand(), "--plan", plan.toString()).status());
        assertTrue(OutputFolder.madeByTfLc(run) && OutputFolder.madeByTfLc(run.resolve("model")));
        Files.writeString(run.resolve("notes.txt"), "the user's notes beside the results");
        CliRun again = CliRun.of(new CompressCommand(), "--plan", plan.toString());
        assertTrue(again.status() != 0 && again.error().contains("--force"), again.all());
        Files.writeString(run.resolve("report.md"), "stale");
        CliRun forced = CliRun.of(new CompressCommand(), "--plan", plan.toString(), "--force");
        assertEquals(0, forced.status(), forced.all());
        assertNotEquals("stale", Files.readString(run.resolve("report.md")), "the earlier results were replaced");
        assertEquals("the user's notes beside the results", Files.readString(run.resolve("notes.txt")),
                "--force deletes the run's own files, nothing else");
    }

    private static String[] concat(String[] a, String[] b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }

    /** Every file under {@code dir} with the SHA-256 of its bytes. */
    private static Map<Path, String> digest(Path dir) throws IOException {
        Map<Path, String> digests = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                try {
                    digests.put(dir.relativize(f), HexFormat.of().formatHex(
                            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return digests;
    }
}
