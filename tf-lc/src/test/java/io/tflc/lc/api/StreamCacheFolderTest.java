package io.tflc.lc.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A streamed run's parse cache never outlives its run: removed at the end, and after a kill by the next run. */
class StreamCacheFolderTest {

    @Test
    void aCacheIsGoneWhenItsRunEnds(@TempDir Path tmp) throws Exception {
        Path folder;
        try (StreamCacheFolder cache = StreamCacheFolder.create(tmp, n -> { })) {
            folder = cache.folder();
            Files.writeString(folder.resolve("blocks-of-10000_0.lockfile"), "TF's cache files");
            assertTrue(Files.isDirectory(folder));
        }
        assertFalse(Files.exists(folder), folder + " was left behind");
    }

    @Test
    void cachesOfEndedProcessesAreRemovedAndOthersKept(@TempDir Path tmp) throws Exception {
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        Path stale = Files.createDirectory(tmp.resolve(StreamCacheFolder.PREFIX + "killed"));
        Files.writeString(stale.resolve(StreamCacheFolder.OWNER), Long.toString(ended.pid()));
        Files.writeString(stale.resolve("blocks-of-10000.index"), "parsed records");
        Path live = Files.createDirectory(tmp.resolve(StreamCacheFolder.PREFIX + "running"));
        Files.writeString(live.resolve(StreamCacheFolder.OWNER), Long.toString(ProcessHandle.current().pid()));
        Path unnamed = Files.createDirectory(tmp.resolve(StreamCacheFolder.PREFIX + "being-made"));
        Path other = Files.createDirectory(tmp.resolve("someone-elses-folder"));
        Files.writeString(other.resolve(StreamCacheFolder.OWNER), Long.toString(ended.pid()));

        List<String> notices = new ArrayList<>();
        StreamCacheFolder.removeStale(tmp, notices::add);

        assertFalse(Files.exists(stale), "the cache of an ended process stayed");
        assertTrue(Files.exists(live), "the cache of a running process was removed");
        assertTrue(Files.exists(unnamed), "a cache that names no process was removed");
        assertTrue(Files.exists(other), "a folder that is no stream cache was removed");
        assertEquals(1, notices.size(), notices.toString());
        assertTrue(notices.get(0).contains(Long.toString(ended.pid())), notices.get(0));
    }
}
