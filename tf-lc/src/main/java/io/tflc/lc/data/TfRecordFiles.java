package io.tflc.lc.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The files of a {@code tfrecord:} source and a check of their framing. Each record is framed as a little-endian
 * 8-byte length, the masked CRC-32C of that length, the data, and the masked CRC-32C of the data.
 *
 * <p>TensorFlow's reader checks both checksums and reports data cut short, but a file cut inside a record's
 * 12-byte header ends, for TF 2.16's {@code TFRecordDataset}, as if it were complete: the records after the cut are
 * lost without a word. So the headers are walked here first (seeking past the data, which TF checks), which also
 * counts the records of each file: every error then names its record, and the reader knows when a file ends.
 */
final class TfRecordFiles {
    private static final int HEADER = 12;
    private static final int FOOTER = 4;

    private TfRecordFiles() {
    }

    /**
     * The files {@code patterns} names, in order: comma-separated paths, each a file or a glob in its last part
     * ({@code /data/train-*.tfrecord}); a glob's matches in sorted name order.
     */
    static List<Path> match(String patterns, String source) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String pattern : patterns.split(",")) {
            Path path = Path.of(pattern);
            String name = path.getFileName() == null ? "" : path.getFileName().toString();
            Path parent = path.toAbsolutePath().getParent();
            if (!isGlob(name)) {
                if (Files.isDirectory(path)) {
                    throw new IllegalArgumentException(source + ": " + path + " is a folder; give a file or a glob "
                            + "such as " + path.resolve("*.tfrecord"));
                }
                if (!Files.isRegularFile(path)) {
                    throw new DataUnavailableException(source + ": no such file " + path);
                }
                files.add(path);
                continue;
            }
            if (isGlob(parent.toString())) {
                throw new IllegalArgumentException(source + ": only the file name may hold a glob (" + pattern + ")");
            }
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + name);
            List<Path> matches;
            try (Stream<Path> entries = Files.isDirectory(parent) ? Files.list(parent) : Stream.empty()) {
                matches = entries.filter(Files::isRegularFile).filter(f -> matcher.matches(f.getFileName()))
                        .sorted().toList();
            }
            if (matches.isEmpty()) {
                throw new DataUnavailableException(source + ": " + pattern + " matches no files");
            }
            files.addAll(matches);
        }
        return files;
    }

    /**
     * Walks the record headers of {@code file} and returns how many records it holds.
     *
     * @throws InvalidDataException for a header cut short, a length whose checksum fails, or a record whose data
     *         runs past the end of the file, naming the file and the record (1-based)
     */
    static int countRecords(Path file, String source) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
            long position = 0;
            int records = 0;
            while (position < size) {
                int record = records + 1;
                if (size - position < HEADER) {
                    // TF would take this for the end of the file.
                    throw new InvalidDataException(where(source, file, record) + " is truncated: the file ends "
                            + (size - position) + " bytes into its 12-byte header (at byte " + position + ")");
                }
                header.clear();
                readFully(channel, header, position);
                long length = header.getLong(0);
                if (masked(header.array(), 0, 8) != header.getInt(8)) {
                    if (position == 0) {
                        refuseGzip(header, file, source);
                    }
                    throw new InvalidDataException(where(source, file, record) + " is corrupt: the checksum of its "
                            + "length does not match (at byte " + position + ")");
                }
                long end = position + HEADER + length + FOOTER;
                if (length < 0 || end > size) {
                    throw new InvalidDataException(where(source, file, record) + " is truncated: its header announces "
                            + length + " bytes of data, the file ends " + (size - position - HEADER)
                            + " bytes after the header");
                }
                position = end;
                records++;
            }
            return records;
        }
    }

    /** The data of the file's first record (its checksum checked), or null for an empty file. */
    static byte[] firstRecord(Path file, String source) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (channel.size() < HEADER) {
                return null;
            }
            ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, header, 0);
            long length = header.getLong(0);
            if (length > Integer.MAX_VALUE - 8) {
                throw new InvalidDataException(where(source, file, 1) + " announces " + length + " bytes");
            }
            ByteBuffer data = ByteBuffer.allocate((int) length + FOOTER).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, data, HEADER);
            if (masked(data.array(), 0, (int) length) != data.getInt((int) length)) {
                throw new InvalidDataException(where(source, file, 1) + " is corrupt: the checksum of its data does "
                        + "not match");
            }
            byte[] record = new byte[(int) length];
            System.arraycopy(data.array(), 0, record, 0, record.length);
            return record;
        }
    }

    /** "SOURCE: FILE record N", how every record error starts. */
    static String where(String source, Path file, int record) {
        return source + ": " + file + " record " + record;
    }

    /** TFRecord's masked CRC-32C: the checksum rotated right by 15 bits plus a constant. */
    static int masked(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + 0xa282ead8;
    }

    /** A first header that fails its checksum may be gzip's magic number: say so rather than "corrupt". */
    private static void refuseGzip(ByteBuffer header, Path file, String source) throws InvalidDataException {
        if ((header.get(0) & 0xff) == 0x1f && (header.get(1) & 0xff) == 0x8b) {
            throw new InvalidDataException(source + ": " + file + " is gzip-compressed; compressed TFRecord files "
                    + "are not read yet (decompress it with gunzip)");
        }
    }

    /** Fills {@code buffer} from {@code position} of the file, or an EOFException naming the byte. */
    static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                throw new java.io.EOFException("unexpected end of file at byte " + at);
            }
            at += read;
        }
    }

    private static boolean isGlob(String text) {
        return text.contains("*") || text.contains("?") || text.contains("[") || text.contains("{");
    }
}
