package io.tflc.examples.experiments;

import io.tflc.lc.algorithm.Row;
import io.tflc.lc.report.RunSummary;
import io.tflc.savedmodels.SavedModelSize;
import java.util.stream.Collectors;

/**
 * One scheme's outcome as the tables show it: the reference, DC and LC rows of its LC run, and the bytes on disk
 * of the reference SavedModel, of DC's Θ exported, and of the exported LC model.
 */
record SchemeResult(String name, String label, Row reference, Row directCompression, Row lc,
                    SavedModelSize referenceBytes, SavedModelSize directCompressionBytes, SavedModelSize lcBytes) {

    /** The rows and sizes a scheme's LC run reported. */
    static SchemeResult of(ExperimentDefinition.Scheme scheme, RunSummary run) {
        var report = run.report();
        return new SchemeResult(scheme.name(), scheme.label(), report.reference(), report.directCompression(),
                report.exported(), run.sizes().original(), run.sizes().directCompression(), run.sizes().compressed());
    }

    /** What Θ is, task by task (e.g. "dense/kernel: rank 18"). */
    static String detail(Row row) {
        return row.tasks().stream().map(t -> t.task() + ": " + t.detail()).collect(Collectors.joining("; "));
    }
}
