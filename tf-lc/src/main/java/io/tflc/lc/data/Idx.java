package io.tflc.lc.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reader of IDX files (the MNIST family's format), gzipped or not: unsigned-byte tensors with a big-endian header
 * (magic 0x0000_08_NN, NN = number of dimensions, then one int per dimension).
 */
public final class Idx {
    private Idx() {
    }

    /** An unsigned-byte IDX tensor: its dimensions and values in row-major order. */
    public record Tensor(int[] dims, byte[] values) {
        /** Number of items (the first dimension). */
        public int count() {
            return dims[0];
        }

        /** Values per item (the product of the other dimensions). */
        public int itemSize() {
            int n = 1;
            for (int i = 1; i < dims.length; i++) {
                n *= dims[i];
            }
            return n;
        }
    }

    public static Tensor read(Path file) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(2);
            boolean gzipped = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            try (DataInputStream in = new DataInputStream(
                    new BufferedInputStream(gzipped ? new GZIPInputStream(raw, 1 << 16) : raw, 1 << 16))) {
                int magic = in.readInt();
                if ((magic >>> 8) != 0x08 || (magic & 0xff) < 1 || (magic & 0xff) > 4) {
                    throw new IOException(file + " is not an unsigned-byte IDX file (magic 0x"
                            + Integer.toHexString(magic) + ")");
                }
                int[] dims = new int[magic & 0xff];
                long total = 1;
                for (int i = 0; i < dims.length; i++) {
                    dims[i] = in.readInt();
                    total *= dims[i];
                }
                if (total > Integer.MAX_VALUE || total < 0) {
                    throw new IOException(file + ": IDX tensor too large or corrupt header");
                }
                byte[] values = new byte[(int) total];
                in.readFully(values);
                return new Tensor(dims, values);
            } catch (EOFException e) {
                throw new IOException(file + " is truncated (ends before its header says)", e);
            }
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such IDX file");
        }
    }
}
