package io.tflc.examples.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Writes a TFRecord file, TensorFlow's framing of records: each one is its length (8 bytes, little-endian), the
 * masked CRC-32C of those 8 bytes, the data, and the masked CRC-32C of the data. The benchmarks write their own
 * data sets with it; tf-lc only reads the format.
 */
final class TfRecordWriter implements AutoCloseable {
    private static final int BUFFER_BYTES = 1 << 20;

    private final OutputStream out;
    private final ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer footer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    private long bytes;

    TfRecordWriter(Path file) throws IOException {
        out = new BufferedOutputStream(Files.newOutputStream(file), BUFFER_BYTES);
    }

    /** Appends one record. */
    void write(byte[] data) throws IOException {
        header.clear();
        header.putLong(0, data.length);
        header.putInt(8, masked(header.array(), 8));
        footer.putInt(0, masked(data, data.length));
        out.write(header.array());
        out.write(data);
        out.write(footer.array());
        bytes += framedSize(data.length);
    }

    /** Bytes written so far. */
    long bytes() {
        return bytes;
    }

    /** The bytes a record of {@code dataLength} bytes takes in a file. */
    static long framedSize(int dataLength) {
        return 12L + dataLength + 4;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    /** TFRecord's masked CRC-32C of {@code bytes[0, length)}: the checksum rotated right by 15 bits plus a constant. */
    private static int masked(byte[] bytes, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + 0xa282ead8;
    }
}
