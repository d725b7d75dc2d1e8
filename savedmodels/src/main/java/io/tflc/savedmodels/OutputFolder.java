package io.tflc.savedmodels;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A folder a tf-lc run writes into, held for the run's life. Claiming one enforces the rules that keep a run from
 * destroying what it did not make:
 * <ul>
 *   <li>it is not, does not contain and does not lie inside any input of the run (the model, the data), compared
 *       as real paths;</li>
 *   <li>it is new, empty, or made by tf-lc: every folder tf-lc writes holds the marker file {@value #MARKER}, and a
 *       folder with other files but no marker is refused, {@code --force} or not;</li>
 *   <li>one run at a time: the claim locks the marker until {@link #close} or the process's death (an OS lock), and
 *       a second claim names the process that holds it.</li>
 * </ul>
 * What a run may replace inside its folder is the caller's rule ({@code --force}, {@code --resume}); {@link #delete}
 * removes the entries it names and nothing else.
 */
public final class OutputFolder implements AutoCloseable {
    /** The marker file of a folder tf-lc made; it also records who holds the folder now. */
    public static final String MARKER = ".tf-lc-output";

    private final Path path;
    private final boolean created;
    private final FileChannel marker;
    private final FileLock lock;

    private OutputFolder(Path path, boolean created, FileChannel marker, FileLock lock) {
        this.path = path;
        this.created = created;
        this.marker = marker;
        this.lock = lock;
    }

    /**
     * Claims {@code folder} for a run that reads {@code inputs} (what each is, e.g. "model", → its path; null paths
     * are skipped) and is described by {@code purpose} (e.g. "compress --plan p.json"), for other runs' messages.
     */
    public static OutputFolder claim(Path folder, Map<String, Path> inputs, String purpose) throws IOException {
        Path real = realPath(folder);
        for (Map.Entry<String, Path> input : inputs.entrySet()) {
            if (input.getValue() != null) {
                requireApart(folder, real, input.getKey(), input.getValue());
            }
        }
        boolean created = !Files.exists(folder);
        if (!created && !Files.isDirectory(folder)) {
            throw new FileAlreadyExistsException(folder.toString(), null, "it is a file, not a folder; choose "
                    + "another output");
        }
        if (!created && !madeByTfLc(folder) && !entries(folder).isEmpty()) {
            throw new FileAlreadyExistsException(folder.toString(), null, "the folder holds files tf-lc did not "
                    + "write (" + preview(entries(folder)) + ") and no " + MARKER + " marker; tf-lc writes only into a "
                    + "new or empty folder or one it made, and never deletes what it did not make, --force or not. "
                    + "Choose another output");
        }
        Files.createDirectories(folder);
        FileChannel channel = FileChannel.open(folder.resolve(MARKER), StandardOpenOption.CREATE,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            String holder = Files.readString(folder.resolve(MARKER)).lines().filter(l -> l.startsWith("held by"))
                    .findFirst().orElse("held by another run");
            channel.close();
            throw new IOException(folder + " is in use by another tf-lc run (" + holder + "); wait for it to "
                    + "finish, stop it, or choose another output");
        }
        byte[] record = ("tf-lc made this folder and replaces it only with --force, while no other run holds it.\n"
                + "held by pid " + ProcessHandle.current().pid() + " (" + ManagementFactory.getRuntimeMXBean().getName()
                + ") since " + Instant.now() + ": " + purpose + "\n").getBytes(StandardCharsets.UTF_8);
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(record), 0);
        return new OutputFolder(folder, created, channel, lock);
    }

    /** Whether {@code folder} holds tf-lc's marker. */
    public static boolean madeByTfLc(Path folder) {
        return Files.isRegularFile(folder.resolve(MARKER), LinkOption.NOFOLLOW_LINKS);
    }

    public Path path() {
        return path;
    }

    /** Whether the folder holds nothing but the marker. */
    public boolean isEmpty() throws IOException {
        return entries(path).isEmpty();
    }

    /**
     * Deletes the named entries of the folder (files or folders; symbolic links are removed, not followed), those
     * that exist. Names are plain names in this folder: a run deletes nothing outside it, nor the marker.
     */
    public void delete(List<String> names) throws IOException {
        for (String name : names) {
            Path entry = path.resolve(name);
            if (name.equals(MARKER) || !path.equals(entry.getParent())) {
                throw new IllegalArgumentException(name + " is not a run's file in " + path);
            }
            if (Files.exists(entry, LinkOption.NOFOLLOW_LINKS)) {
                Folders.deleteRecursively(entry);
            }
        }
    }

    /** Releases the lock; a folder this claim created and left empty is removed. */
    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            marker.close();
        }
        if (created && entries(path).isEmpty()) {
            Files.deleteIfExists(path.resolve(MARKER));
            Files.deleteIfExists(path);
        }
    }

    private static void requireApart(Path folder, Path real, String what, Path input) throws IOException {
        Path in = realPath(input);
        String relation = real.equals(in) ? "is" : in.startsWith(real) ? "contains" : real.startsWith(in)
                ? "lies inside" : null;
        if (relation != null) {
            throw new IOException("the output folder " + folder + " " + relation + " the " + what + " " + input
                    + "; tf-lc never writes where its inputs are. Choose an output apart from " + input);
        }
    }

    /** The real path of {@code p}, or, when it does not exist yet, its nearest existing ancestor's plus the rest. */
    static Path realPath(Path p) throws IOException {
        Path absolute = p.toAbsolutePath().normalize();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute;
        }
        return existing.toRealPath().resolve(existing.relativize(absolute));
    }

    private static List<Path> entries(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> !f.getFileName().toString().equals(MARKER)).sorted().toList();
        }
    }

    private static String preview(List<Path> entries) {
        List<String> names = entries.stream().limit(3).map(p -> p.getFileName().toString()).toList();
        return String.join(", ", names) + (entries.size() > 3 ? ", …" : "");
    }
}
