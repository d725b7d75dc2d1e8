package io.tflc.savedmodels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 13, "never destroy the input": the rules of an output folder, each on real folders and processes. */
class OutputFolderTest {

    @Test
    void anOutputThatIsContainsOrLiesInsideAnInputIsRefused(@TempDir Path dir) throws Exception {
        Path model = Files.createDirectories(dir.resolve("project/model"));
        Files.writeString(model.resolve("saved_model.pb"), "the user's model");
        for (Path output : List.of(model, dir.resolve("project"), model.resolve("run"), dir.resolve("project/./model"))) {
            IOException e = assertThrows(IOException.class,
                    () -> OutputFolder.claim(output, Map.of("model", model), "test"));
            assertTrue(e.getMessage().contains(output.toString()) && e.getMessage().contains(model.toString()),
                    e.getMessage());
        }
        // Through a symbolic link too: the comparison is on real paths.
        Path link = Files.createSymbolicLink(dir.resolve("link"), dir.resolve("project"));
        assertThrows(IOException.class, () -> OutputFolder.claim(link, Map.of("model", model), "test"));
        assertEquals("the user's model", Files.readString(model.resolve("saved_model.pb")));
        assertFalse(Files.exists(model.resolve("run")));
    }

    @Test
    void aFolderWithFilesTfLcDidNotWriteIsRefused(@TempDir Path dir) throws Exception {
        Path mine = Files.createDirectories(dir.resolve("mine"));
        Files.writeString(mine.resolve("notes.txt"), "mine");
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
                () -> OutputFolder.claim(mine, Map.of(), "test"));
        assertTrue(e.getMessage().contains("notes.txt") && e.getMessage().contains("--force or not"), e.getMessage());
        assertEquals(List.of(mine.resolve("notes.txt")), list(mine), "not even a marker was added");
    }

    @Test
    void newAndEmptyFoldersAreClaimedAndAClaimThatWroteNothingLeavesNothing(@TempDir Path dir) throws Exception {
        Path fresh = dir.resolve("a/b/run");
        try (OutputFolder folder = OutputFolder.claim(fresh, Map.of(), "test")) {
            assertTrue(OutputFolder.madeByTfLc(fresh) && folder.isEmpty());
        }
        assertFalse(Files.exists(fresh), "a run that wrote nothing leaves no folder behind");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        try (OutputFolder folder = OutputFolder.claim(empty, Map.of(), "test")) {
            Files.writeString(folder.path().resolve("report.json"), "{}");
        }
        assertTrue(OutputFolder.madeByTfLc(empty));
        try (OutputFolder again = OutputFolder.claim(empty, Map.of(), "test")) {
            assertFalse(again.isEmpty(), "tf-lc's own folder is claimed again, results and all");
        }
    }

    @Test
    void deleteRemovesOnlyTheNamedEntriesInsideTheFolder(@TempDir Path dir) throws Exception {
        Path outside = Files.writeString(dir.resolve("outside.txt"), "keep");
        try (OutputFolder folder = OutputFolder.claim(dir.resolve("run"), Map.of(), "test")) {
            Files.createDirectories(folder.path().resolve("model/variables"));
            Files.writeString(folder.path().resolve("plan.json"), "{}");
            Files.createSymbolicLink(folder.path().resolve("tensorboard"), dir);
            folder.delete(List.of("model", "tensorboard", "report.md"));
            assertEquals(List.of(folder.path().resolve("plan.json")), list(folder.path()));
            assertThrows(IllegalArgumentException.class, () -> folder.delete(List.of("../outside.txt")));
            assertThrows(IllegalArgumentException.class, () -> folder.delete(List.of(OutputFolder.MARKER)));
        }
        assertEquals("keep", Files.readString(outside), "the link was removed, not followed");
    }

    @Test
    void aSecondRunRefusesWhileTheFirstHoldsTheFolderAndProceedsOnceItDies(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                HoldFolder.class.getName(), run.toString()).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream()));
            assertEquals("held", out.readLine());
            IOException e = assertThrows(IOException.class, () -> OutputFolder.claim(run, Map.of(), "second"));
            assertTrue(e.getMessage().contains("pid " + holder.pid()) && e.getMessage().contains("in use"),
                    e.getMessage());
        } finally {
            holder.destroyForcibly().waitFor(1, TimeUnit.MINUTES); // SIGKILL: no chance to release it politely
        }
        try (OutputFolder folder = OutputFolder.claim(run, Map.of(), "after the holder died")) {
            assertTrue(Files.readString(folder.path().resolve(OutputFolder.MARKER)).contains("pid "
                    + ProcessHandle.current().pid()));
        }
    }

    @Test
    void aSavedModelReplacesOnlyWhatTfLcWroteAndOnlyWithForce(@TempDir Path dir) throws Exception {
        Path users = Files.createDirectories(dir.resolve("users"));
        Files.writeString(users.resolve("saved_model.pb"), "the user's model");
        byte[] before = Files.readAllBytes(users.resolve("saved_model.pb"));
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
                () -> HostileModels.exportTo(users, true));
        assertTrue(e.getMessage().contains("did not make"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(users.resolve("saved_model.pb")));

        Path ours = HostileModels.export(dir.resolve("ours"));
        assertTrue(OutputFolder.madeByTfLc(ours), "every SavedModel tf-lc writes carries the marker");
        assertThrows(FileAlreadyExistsException.class, () -> HostileModels.exportTo(ours, false));
        HostileModels.exportTo(ours, true);
        assertTrue(Files.exists(ours.resolve("saved_model.pb")) && Files.exists(ours.resolve("variables")));
        try (var siblings = Files.list(dir)) {
            assertEquals(List.of("ours", "users"), siblings.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no staging folder is left beside the target");
        }
    }

    private static List<Path> list(Path folder) throws IOException {
        try (var files = Files.list(folder)) {
            return files.filter(p -> !p.getFileName().toString().equals(OutputFolder.MARKER)).sorted().toList();
        }
    }
}
