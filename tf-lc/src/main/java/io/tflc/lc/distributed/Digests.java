package io.tflc.lc.distributed;

import io.tflc.compressors.Theta;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Short digests of a replica's weights and Θ: equal digests on every worker show that the replicas agree bit for bit. */
public final class Digests {
    private Digests() {
    }

    /** SHA-256 (first 16 hex digits) of the weights by name, in name order. */
    public static String weights(Map<String, float[]> weights) {
        MessageDigest digest = sha256();
        for (Map.Entry<String, float[]> w : new TreeMap<>(weights).entrySet()) {
            digest.update(w.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            ByteBuffer bytes = ByteBuffer.allocate(4 * w.getValue().length);
            bytes.asFloatBuffer().put(w.getValue());
            digest.update(bytes);
        }
        return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    }

    /** SHA-256 (first 16 hex digits) of each Θ's decompressed values, in task order. */
    public static String thetas(List<Theta> thetas) {
        MessageDigest digest = sha256();
        for (Theta theta : thetas) {
            double[] values = theta.decompress().toArray();
            ByteBuffer bytes = ByteBuffer.allocate(8 * values.length);
            bytes.asDoubleBuffer().put(values);
            digest.update(bytes);
        }
        return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
