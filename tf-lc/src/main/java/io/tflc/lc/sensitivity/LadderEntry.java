package io.tflc.lc.sensitivity;

import io.tflc.compressors.Compression;

/**
 * One compression of a weight's ladder.
 *
 * @param family what kind of compression it is, for grouping in tables and charts
 * @param key the same for the same rung on every weight (e.g. {@code rank r0/4}), so that weights can be compared
 * @param spec the compression as {@code compress --task} writes it for this weight, e.g. {@code codebook:2},
 *     {@code prune:0.05}, {@code rank:12}
 * @param compression what runs
 */
public record LadderEntry(Family family, String key, String spec, Compression compression) {

    /** The kinds of compression on a ladder. */
    public enum Family {
        CODEBOOK("quantization"), PRUNING("pruning"), LOW_RANK("low rank"), COMBINED("quantization + pruning");

        private final String title;

        Family(String title) {
            this.title = title;
        }

        /** For reports: {@code quantization}, {@code pruning}, {@code low rank}. */
        public String title() {
            return title;
        }
    }
}
