package io.tflc.lc.api;

import io.tflc.compressors.Theta;
import io.tflc.lc.algorithm.LcReport;
import io.tflc.lc.report.ReportWriter;
import io.tflc.lc.report.RunSummary;
import io.tflc.savedmodels.Folders;
import io.tflc.savedmodels.OutputFolder;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What an LC run produced: its report (one row per stage: reference, direct compression, each LC step), the bytes on
 * disk of the original, DC and LC models, Θ of the exported (best nested) model per task, and the folder the run
 * wrote ({@code report.json}, {@code report.md}, {@code model/} …).
 *
 * @param thetas Θ per task name, in the plan's task order
 * @param taskWeights the weights each task compresses, by task name
 * @param output the run's folder
 */
public record CompressionResult(LcReport report, ReportWriter.Sizes sizes, Map<String, Theta> thetas,
                                Map<String, List<String>> taskWeights, Path output) {
    public CompressionResult {
        thetas = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(thetas));
        taskWeights = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(taskWeights));
    }

    /** The compressed SavedModel (the original's signature; Θ's storage decoded at load). */
    public Path model() {
        return output.resolve("model");
    }

    /** The report and sizes, as the report files and the experiments' tables hold them. */
    public RunSummary summary() {
        return new RunSummary(report, sizes);
    }

    /**
     * Θ of the task named {@code taskOrWeight}, or of the task that compresses the weight of that name (for a
     * concatenated task: Θ of all its weights together).
     *
     * @throws IllegalArgumentException when no task has that name or compresses that weight (the message names the
     *     tasks and their weights)
     */
    public Theta theta(String taskOrWeight) {
        Theta byTask = thetas.get(taskOrWeight);
        if (byTask != null) {
            return byTask;
        }
        return taskWeights.entrySet().stream().filter(e -> e.getValue().contains(taskOrWeight))
                .map(e -> thetas.get(e.getKey())).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no task is named or compresses '" + taskOrWeight
                        + "'; the tasks and their weights: " + taskWeights));
    }

    /**
     * Copies the compressed SavedModel to {@code target}, a folder that must not exist yet (what a serving
     * pipeline picks up; the run's folder keeps its copy).
     *
     * @throws FileAlreadyExistsException when {@code target} exists
     * @throws IOException when a file cannot be copied
     */
    public Path exportTo(Path target) throws IOException {
        if (Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString(), null, "the compressed model is copied only into "
                    + "a folder that does not exist yet; choose another target or remove it");
        }
        Folders.copyRecursively(model(), target, OutputFolder.MARKER);
        return target;
    }
}
