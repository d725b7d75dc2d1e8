package io.tflc.lc.algorithm;

import java.util.List;

/** The rows of an LC run in order: reference, direct compression, then one per LC step. */
public record LcReport(List<Row> rows) {
    public LcReport {
        rows = List.copyOf(rows);
    }

    public Row reference() {
        return rows.get(0);
    }

    public Row directCompression() {
        return rows.get(1);
    }

    public List<Row> steps() {
        return rows.subList(2, rows.size());
    }

    /** The last row: the compressed model the run returns (DC when there were no LC steps). */
    public Row finalRow() {
        return rows.get(rows.size() - 1);
    }
}
