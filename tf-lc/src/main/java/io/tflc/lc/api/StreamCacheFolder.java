package io.tflc.lc.api;

import io.tflc.savedmodels.Folders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The temporary folder a streamed run's parsed training records are cached in: about the records' size, so it must
 * not outlive the run. It is removed when the run ends (a failure to remove it is reported, not made the run's
 * failure), by a shutdown hook when the run is stopped (Ctrl-C, kill), and, for a run killed outright ({@code kill
 * -9}, a power cut), by the next streamed run: each folder names its process in {@value #OWNER}, and the next run
 * removes every folder whose process is gone ({@link #removeStale}) before it counts the free space.
 */
final class StreamCacheFolder implements AutoCloseable {
    static final String PREFIX = "tflc-stream-cache-";
    static final String OWNER = "owner.pid";

    private final Path folder;
    private final Consumer<String> notices;
    private final Thread removeOnExit;

    private StreamCacheFolder(Path folder, Consumer<String> notices) {
        this.folder = folder;
        this.notices = notices;
        this.removeOnExit = new Thread(() -> remove(folder, System.err::println), "tf-lc stream cache removal");
    }

    /** Makes this run's cache in {@code parent}; {@code notices} hears of a failure to remove it. */
    static StreamCacheFolder create(Path parent, Consumer<String> notices) throws IOException {
        Path folder = Files.createTempDirectory(parent, PREFIX);
        Files.writeString(folder.resolve(OWNER), Long.toString(ProcessHandle.current().pid()), StandardCharsets.UTF_8);
        StreamCacheFolder cache = new StreamCacheFolder(folder, notices);
        Runtime.getRuntime().addShutdownHook(cache.removeOnExit);
        return cache;
    }

    Path folder() {
        return folder;
    }

    @Override
    public void close() {
        remove(folder, notices);
        try {
            Runtime.getRuntime().removeShutdownHook(removeOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway, on a folder already gone
        }
    }

    /** Caches in {@code parent} whose owning process has ended (or that name none it can read) are removed. */
    static void removeStale(Path parent, Consumer<String> notices) throws IOException {
        try (DirectoryStream<Path> caches = Files.newDirectoryStream(parent, PREFIX + "*")) {
            for (Path cache : caches) {
                long owner = owner(cache);
                if (owner < 0 || ProcessHandle.of(owner).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                notices.accept("removing a stream cache left behind by process " + owner + ", which has ended: "
                        + cache);
                remove(cache, notices);
            }
        }
    }

    /** The process that made {@code cache}, or −1 when it does not say (not ours to remove: maybe not made yet). */
    private static long owner(Path cache) {
        try {
            return Long.parseLong(Files.readString(cache.resolve(OWNER), StandardCharsets.UTF_8).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    private static void remove(Path cache, Consumer<String> warn) {
        try {
            Folders.deleteRecursively(cache);
        } catch (IOException e) {
            warn.accept("could not remove the stream cache " + cache + " (about the records' size): " + e.getMessage()
                    + "; delete it by hand");
        }
    }
}
