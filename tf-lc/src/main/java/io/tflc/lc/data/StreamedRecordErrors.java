package io.tflc.lc.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names the file and record behind a TensorFlow error met while a {@link TfRecordStream} is read. TF reads all the
 * files as one dataset and its messages do not name them: a failed checksum is "corrupted record at BYTE" (the
 * record's start, or its data's for a data checksum), a record that does not parse names its index in the batch. So
 * the files are searched for a record at that byte whose checksum fails (the headers were walked when the stream was
 * opened, so only data checksums can fail now), and in a pass in file order the batch index gives the record. The
 * search only runs after an error: reading never pays for it.
 */
final class StreamedRecordErrors {
    private static final Pattern AT_BYTE = Pattern.compile("(?:corrupted|truncated) record at (\\d+)");
    private static final Pattern BATCH_INDEX = Pattern.compile("Index: (\\d+)");
    private static final int HEADER = 12;
    private static final int FOOTER = 4;

    private StreamedRecordErrors() {
    }

    /**
     * The data error for TF's {@code error}.
     *
     * @param firstInBatch in a pass in file order, the 0-based number of the first record of the batch that
     *        failed; −1 in a shuffled pass
     */
    static InvalidDataException of(TfRecordStream stream, RuntimeException error, long firstInBatch) {
        String tf = TfErrors.firstLine(error);
        Matcher atByte = AT_BYTE.matcher(tf);
        if (atByte.find()) {
            List<String> corrupt = new ArrayList<>();
            long offset = Long.parseLong(atByte.group(1));
            for (int f = 0; f < stream.files().size(); f++) {
                int record = corruptRecordAt(stream.files().get(f), offset, stream.recordCount(f));
                if (record > 0) {
                    corrupt.add(TfRecordFiles.where(stream.describe(), stream.files().get(f), record));
                }
            }
            if (corrupt.size() == 1) {
                return new InvalidDataException(corrupt.get(0) + " is corrupt: the checksum of its data does not "
                        + "match (TF: " + tf + ")", error);
            }
            if (!corrupt.isEmpty()) {
                return new InvalidDataException(String.join(", ", corrupt) + " are corrupt: the checksums of their "
                        + "data do not match (TF: " + tf + ")", error);
            }
        }
        Matcher index = BATCH_INDEX.matcher(tf);
        if (firstInBatch >= 0 && index.find()) {
            long record = firstInBatch + Long.parseLong(index.group(1));
            for (int f = 0; f < stream.files().size(); f++) {
                if (record < stream.recordCount(f)) {
                    return new InvalidDataException(TfRecordFiles.where(stream.describe(), stream.files().get(f),
                            (int) record + 1) + ": " + tf, error);
                }
                record -= stream.recordCount(f);
            }
        }
        return new InvalidDataException(stream.describe() + ": " + tf, error);
    }

    /**
     * The 1-based number of the record of {@code file} that starts at {@code offset}, or whose data does, if its data
     * checksum fails; 0 otherwise (no such record, or it reads well, or the file cannot be read any more).
     */
    private static int corruptRecordAt(Path file, long offset, int records) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
            long position = 0;
            for (int record = 1; record <= records && position <= offset; record++) {
                header.clear();
                read(channel, header, position);
                long length = header.getLong(0);
                if (position == offset || position + HEADER == offset) {
                    return length <= Integer.MAX_VALUE - FOOTER && !dataMatches(channel, position, (int) length)
                            ? record : 0;
                }
                position += HEADER + length + FOOTER;
            }
            return 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static boolean dataMatches(FileChannel channel, long start, int length) throws IOException {
        ByteBuffer data = ByteBuffer.allocate(length + FOOTER).order(ByteOrder.LITTLE_ENDIAN);
        read(channel, data, start + HEADER);
        return TfRecordFiles.masked(data.array(), 0, length) == data.getInt(length);
    }

    private static void read(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                throw new java.io.EOFException("end of file at byte " + at);
            }
            at += read;
        }
    }
}
