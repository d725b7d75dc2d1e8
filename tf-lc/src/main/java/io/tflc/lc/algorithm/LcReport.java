package io.tflc.lc.algorithm;

import java.util.List;

/**
 * The rows of an LC run in order: reference, direct compression, then one per LC step; which of them was exported
 * and why; and why the run stopped early, if it did.
 *
 * @param exportedStep the step whose nested model is the result (0: direct compression)
 * @param criterion how that step was chosen, e.g. "lowest nested training loss"
 * @param stop why the run ended before its last step (an L-step that diverged), or null when it ran to the end
 * @param schedule the μ schedule the run used, or null when not known (a report read back from an older file)
 * @param lStep how its L-steps trained, or null when not known
 */
public record LcReport(List<Row> rows, int exportedStep, String criterion, String stop, MuSchedule schedule,
                       LStepSettings lStep) {
    /** How a report that names no choice chose: the last step is the result. */
    public static final String LAST_STEP = "last step";

    public LcReport {
        rows = List.copyOf(rows);
        if (exportedStep < 0 || exportedStep + 1 >= rows.size()) {
            throw new IllegalArgumentException("exported step " + exportedStep + " is not among the report's "
                    + (rows.size() - 2) + " LC steps");
        }
    }

    public LcReport(List<Row> rows, int exportedStep, String criterion, String stop) {
        this(rows, exportedStep, criterion, stop, null, null);
    }

    /** A run that ran to its end and whose result is its last step. */
    public LcReport(List<Row> rows) {
        this(rows, rows.size() - 2, LAST_STEP, null);
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

    /** The last row: the nested model of the last step run (DC when there were no LC steps). */
    public Row finalRow() {
        return rows.get(rows.size() - 1);
    }

    /** The row of the exported model: the compressed model the run returns. */
    public Row exported() {
        return rows.get(exportedStep + 1);
    }

    /** "LC step 7, lowest nested training loss" or "direct compression (step 0), …". */
    public String exportedText() {
        return (exportedStep == 0 ? "direct compression (step 0)" : "LC step " + exportedStep) + ", " + criterion;
    }
}
