package io.tflc.lc.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few fields of a {@code .npy} header that must be checked before ND4J reads the file, because ND4J 1.0.0-M2.1
 * gets them wrong without a word or worse (seen on this machine): it reads a Fortran-order array's values in C
 * order (a silently scrambled array), aborts the whole JVM on a big-endian type (a failed native assertion), and
 * pads a truncated file with whatever memory holds. ND4J still parses the array; this only looks at the type, the
 * order and where the values start.
 *
 * @param type the element type ({@code descr}, e.g. {@code <f4})
 * @param fortranOrder whether the values are stored column-major
 * @param dataOffset where the values start
 */
record NpyHeader(String type, boolean fortranOrder, long dataOffset) {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");

    /** The little-endian types read, as NumPy writes them, with their names for messages. */
    static final Map<String, String> TYPES = Map.of("<f4", "float32", "<f8", "float64", "|u1", "uint8",
            "<i4", "int32", "<i8", "int64");

    /** The header of {@code file}, or an error naming it (and {@code source}) if it is not a readable .npy file. */
    static NpyHeader read(Path file, String source) throws IOException {
        byte[] start;
        try (InputStream in = Files.newInputStream(file)) {
            start = in.readNBytes(12);
            if (start.length < 10 || !Arrays.equals(Arrays.copyOf(start, 6), MAGIC)) {
                throw new InvalidDataException(source + ": " + file + " is not a NumPy .npy file (it does not start "
                        + "with \\x93NUMPY)");
            }
            ByteBuffer fields = ByteBuffer.wrap(start).order(ByteOrder.LITTLE_ENDIAN);
            boolean version1 = start[6] == 1;
            long headerLength = version1 ? fields.getShort(8) & 0xffff : fields.getInt(8) & 0xffffffffL;
            int prefix = version1 ? 10 : 12;
            byte[] rest = in.readNBytes((int) Math.min(headerLength, 1 << 20));
            byte[] text = Arrays.copyOfRange(start, prefix, start.length);
            String header = new String(text, StandardCharsets.ISO_8859_1)
                    + new String(rest, StandardCharsets.ISO_8859_1);
            if (header.length() < headerLength) {
                throw new InvalidDataException(source + ": " + file + " is truncated (in its header)");
            }
            Matcher descr = DESCR.matcher(header);
            Matcher order = ORDER.matcher(header);
            if (!descr.find() || !order.find()) {
                throw new InvalidDataException(source + ": " + file + " has a .npy header without descr or "
                        + "fortran_order: " + header.strip());
            }
            return new NpyHeader(descr.group(1), order.group(1).equals("True"), prefix + headerLength);
        }
    }

    /** Throws unless ND4J reads this array correctly: a supported little-endian type in C order. */
    void requireReadable(Path file, String source) throws InvalidDataException {
        if (!TYPES.containsKey(type)) {
            throw new InvalidDataException(source + ": " + file + " holds '" + type + "' values; read are "
                    + "little-endian float32, float64, uint8, int32 and int64 (numpy: x.astype('<f4'))");
        }
        if (fortranOrder) {
            throw new InvalidDataException(source + ": " + file + " is stored in Fortran (column-major) order, which "
                    + "ND4J misreads; save it in C order (numpy: np.save(path, np.ascontiguousarray(x)))");
        }
    }
}
