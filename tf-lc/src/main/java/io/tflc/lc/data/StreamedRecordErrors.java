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
    /**
     * DecodeRaw on a batch whose strings differ in length: "element i has size FIRST != I" (TF 2.16 prints the first
     * element's length, then element i's).
     */
    private static final Pattern RAW_UNEQUAL = Pattern.compile("element (\\d+) has size (\\d+) != (\\d+)");
    /** EnsureShape on a batch of raw values all of one length, not the model's: [n,length]. */
    private static final Pattern RAW_SHAPE = Pattern.compile("\\[\\d+,(\\d+)\\] is not compatible with expected "
            + "shape \\[\\?,\\d+\\]");
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
        if (stream.schema().decode() == TfExampleSchema.Decode.RAW) {
            int size = ExampleShapes.size(stream.exampleShape());
            Matcher unequal = RAW_UNEQUAL.matcher(tf);
            if (unequal.find()) {
                // Either element i or the first is of another length than the model's.
                boolean firstIsRight = Integer.parseInt(unequal.group(2)) == size;
                return rawLength(stream, error, firstInBatch, firstIsRight ? Long.parseLong(unequal.group(1)) : 0,
                        Integer.parseInt(firstIsRight ? unequal.group(3) : unequal.group(2)));
            }
            Matcher shape = RAW_SHAPE.matcher(tf);
            if (shape.find()) {
                return rawLength(stream, error, firstInBatch, 0, Integer.parseInt(shape.group(1)));
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
     * A raw value of {@code length} bytes at {@code index} of a batch: in a pass in file order the batch gives its
     * record; in a shuffled one the files are searched (parsing each record) for the first raw value of that length.
     */
    private static InvalidDataException rawLength(TfRecordStream stream, RuntimeException error, long firstInBatch,
                                                  long index, int length) {
        int size = ExampleShapes.size(stream.exampleShape());
        String problem = " holds a raw value of " + length + " bytes in feature '" + stream.schema().featureKey()
                + "'; the model input " + java.util.Arrays.toString(stream.exampleShape()) + " takes " + size
                + " (one byte a value)";
        long record = firstInBatch + index;
        for (int f = 0; f < stream.files().size(); f++) {
            Path file = stream.files().get(f);
            int found = firstInBatch >= 0 ? (record < stream.recordCount(f) ? (int) record + 1 : 0)
                    : rawRecordOfLength(file, stream.recordCount(f), stream.schema().featureKey(), length);
            if (found > 0) {
                return new InvalidDataException(TfRecordFiles.where(stream.describe(), file, found) + problem, error);
            }
            record -= stream.recordCount(f);
        }
        return new InvalidDataException(stream.describe() + ": a record" + problem, error);
    }

    /** The 1-based number of the first record of {@code file} whose raw value has {@code length} bytes, or 0. */
    private static int rawRecordOfLength(Path file, int records, String key, int length) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
            long position = 0;
            for (int record = 1; record <= records; record++) {
                header.clear();
                TfRecordFiles.readFully(channel, header, position);
                long size = header.getLong(0);
                ByteBuffer data = ByteBuffer.allocate((int) size);
                TfRecordFiles.readFully(channel, data, position + HEADER);
                org.tensorflow.proto.Feature feature = org.tensorflow.proto.Example.parseFrom(data.array())
                        .getFeatures().getFeatureMap().get(key);
                if (feature != null && feature.hasBytesList() && feature.getBytesList().getValueCount() > 0
                        && feature.getBytesList().getValue(0).size() == length) {
                    return record;
                }
                position += HEADER + size + FOOTER;
            }
            return 0;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
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
                TfRecordFiles.readFully(channel, header, position);
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
        TfRecordFiles.readFully(channel, data, start + HEADER);
        return TfRecordFiles.masked(data.array(), 0, length) == data.getInt(length);
    }
}
