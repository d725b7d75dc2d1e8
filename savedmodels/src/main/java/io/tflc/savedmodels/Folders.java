package io.tflc.savedmodels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Whole folders deleted or copied: the one place tf-lc walks a tree to remove or duplicate it. */
public final class Folders {
    private Folders() {
    }

    /**
     * Deletes {@code path} and everything under it, deepest first; nothing when it does not exist. A symbolic link
     * is removed, not followed.
     */
    public static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Copies the tree at {@code from} to {@code to} (which must not exist), leaving out files named {@code skip}. */
    public static void copyRecursively(Path from, Path to, String skip) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().equals(skip)) {
                    Files.copy(p, target);
                }
            }
        }
    }
}
