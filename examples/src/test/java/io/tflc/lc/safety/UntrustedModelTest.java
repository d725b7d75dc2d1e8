package io.tflc.lc.safety;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.lc.cli.CliRun;
import io.tflc.lc.cli.CompressCommand;
import io.tflc.lc.cli.EvaluateCommand;
import io.tflc.lc.cli.InspectCommand;
import io.tflc.lc.cli.PruneIdCommand;
import io.tflc.lc.cli.VerifyCommand;
import io.tflc.savedmodels.HostileModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 13, acceptance 1 and 3: every command that reads a model refuses each hostile fixture, naming the op, and
 * nothing is written or read outside the run folder; {@code --trust-model} runs the model as before and says so.
 */
class UntrustedModelTest {

    @ParameterizedTest
    @EnumSource(HostileModels.Kind.class)
    void everyCommandRefusesTheFixtureBeforeRunningAnything(HostileModels.Kind kind, @TempDir Path dir)
            throws Exception {
        Path target = Files.createDirectories(dir.resolve("outside")).resolve("target.txt");
        Path model = HostileModels.make(kind, dir.resolve("model"), target);
        Path clean = HostileModels.export(dir.resolve("clean"));
        Path noData = dir.resolve("no-data"); // were the model run, loading this would fail with another message
        Path plan = Files.writeString(dir.resolve("plan.json"), """
                {"model": {"savedmodel": "model"}, "data": {"idx_dir": "no-data"},
                 "tasks": [{"weights": "dense/kernel", "compression": {"type": "adaptive_codebook", "k": 2}}],
                 "schedule": {"mu0": 1e-3, "growth": 2, "steps": 1}, "l_step": {"epochs": 1, "lr0": 0.01},
                 "output": "run"}""");
        Map<String, CliRun> runs = Map.of(
                "inspect", CliRun.of(new InspectCommand(), model.toString()),
                "compress", CliRun.of(new CompressCommand(), "--plan", plan.toString()),
                "evaluate", CliRun.of(new EvaluateCommand(), "--model", model.toString(), "--data", noData.toString()),
                "verify", CliRun.of(new VerifyCommand(), "--original", clean.toString(), "--compressed",
                        model.toString(), "--data", noData.toString()),
                "prune-id", CliRun.of(new PruneIdCommand(), "--model", model.toString(), "--keep", "0.5", "--out",
                        dir.resolve("pruned").toString(), "--data", noData.toString()));
        String op = switch (kind) {
            case WRITE_FILE_FROM_OUTPUT, WRITE_FILE_IN_INIT_OP, WRITE_FILE_IN_FUNCTION -> "WriteFile";
            case READ_FILE_INTO_OUTPUT -> "ReadFile";
            case UNKNOWN_OP -> HostileModels.UNKNOWN_OP;
        };
        runs.forEach((command, run) -> {
            assertNotEquals(0, run.status(), command + ": " + run.all());
            assertTrue(run.all().contains(op) && run.all().contains("--trust-model"), command + ": " + run.all());
        });
        assertFalse(Files.exists(target), "the WriteFile did not run (and the ReadFile would have failed on it)");
        assertFalse(Files.exists(dir.resolve("run")) || Files.exists(dir.resolve("pruned")),
                "a refused run leaves no output folder behind");
    }

    @Test
    void trustModelRunsTheModelAsBeforeAndSaysSo(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("written.txt");
        Path model = HostileModels.make(HostileModels.Kind.WRITE_FILE_FROM_OUTPUT, dir.resolve("model"), target);
        CliRun run = CliRun.of(new InspectCommand(), model.toString(), "--trust-model");
        assertEquals(0, run.status(), run.all());
        assertTrue(run.output().contains("REFUSED") && run.output().contains("--trust-model: loading it anyway"),
                run.all());
        assertTrue(run.output().contains("dense/kernel"), "the model was read as usual: " + run.all());
        assertEquals(HostileModels.CONTENTS, Files.readString(target), "the user chose to run it: it wrote its file");
    }

    @Test
    void inspectShowsACleanScan(@TempDir Path dir) throws Exception {
        CliRun run = CliRun.of(new InspectCommand(), HostileModels.export(dir.resolve("m")).toString());
        assertEquals(0, run.status(), run.all());
        assertTrue(run.output().contains("op scan:") && run.output().contains("every op allowed"), run.all());
    }
}
