package io.tflc.savedmodels;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Bytes on disk of a SavedModel folder: the whole folder, {@code variables/}, {@code saved_model.pb}, and the
 * folder's files gzipped (how much a generic compressor could still squeeze out).
 */
public record SavedModelSize(long total, long variables, long graph, long gzipped) {

    public static SavedModelSize of(Path dir) throws IOException {
        long total = 0;
        long variables = 0;
        long gzipped = 0;
        for (Path f : files(dir)) {
            long size = Files.size(f);
            total += size;
            if (f.getParent().getFileName().toString().equals("variables")) {
                variables += size;
            }
            gzipped += gzippedSize(f);
        }
        long graph = Files.exists(dir.resolve("saved_model.pb")) ? Files.size(dir.resolve("saved_model.pb")) : 0;
        return new SavedModelSize(total, variables, graph, gzipped);
    }

    /** How many times smaller than {@code original}, for each figure. */
    public double ratio(SavedModelSize original) {
        return (double) original.total / total;
    }

    private static List<Path> files(Path dir) throws IOException {
        // From the folder's real path: a model folder that is a symbolic link (runs/reference → elsewhere) would
        // otherwise be walked as the link alone and measure 0 bytes.
        try (Stream<Path> walk = Files.walk(dir.toRealPath())) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static long gzippedSize(Path file) throws IOException {
        CountingStream counter = new CountingStream();
        try (InputStream in = Files.newInputStream(file); OutputStream gz = new GZIPOutputStream(counter)) {
            in.transferTo(gz);
        }
        return counter.count;
    }

    private static final class CountingStream extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
