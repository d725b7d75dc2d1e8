package io.tflc.lc.report;

import io.tflc.lc.algorithm.LcReport;

/** What an LC run produced: its report, and the bytes on disk of the original, DC and LC models. */
public record RunSummary(LcReport report, ReportWriter.Sizes sizes) {
}
