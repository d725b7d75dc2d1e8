package io.tflc.lc.report;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import io.tflc.lc.algorithm.LStepSettings;
import io.tflc.lc.algorithm.LcReport;
import io.tflc.lc.algorithm.MuSchedule;
import io.tflc.lc.algorithm.Row;
import io.tflc.lc.verify.ServingLatency;
import io.tflc.savedmodels.SavedModelSize;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;

/**
 * Writes an LC report as {@code report.json} (keys {@code reference}, {@code direct_compression}, {@code steps},
 * {@code final} (the last step), {@code exported} (the step whose nested model is {@code model/}, and the
 * criterion it was chosen by), {@code stop} (why the run ended early, or null)) and {@code report.md} (the same as a
 * table); the command line adds {@code report.png} ({@code io.tflc.lc.cli.Charts}), as the library draws no charts.
 * Each file is written under a temporary name and moved into place.
 */
public final class ReportWriter {
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting()
            .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
            .serializeSpecialFloatingPointValues().create();

    private ReportWriter() {
    }

    /** Bytes on disk of the original SavedModel, of DC's Θ exported the same way, and of the LC model. */
    public record Sizes(SavedModelSize original, SavedModelSize directCompression, SavedModelSize compressed) {
    }

    public static void write(LcReport report, Path folder, String title, Sizes sizes) throws IOException {
        write(report, folder, title, sizes, null);
    }

    /** With the exported model's serving latency beside the original's ({@code latency}: null when not measured). */
    public static void write(LcReport report, Path folder, String title, Sizes sizes, ServingLatency latency)
            throws IOException {
        Files.createDirectories(folder);
        atomically(folder.resolve("report.json"),
                json(report, title, sizes, latency).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String md = markdown(report, title, sizes);
        if (latency != null) {
            md += String.format(Locale.ROOT, "%nServing (original and compressed SavedModels side by side): %s.%n",
                    latency.line());
        }
        atomically(folder.resolve("report.md"), md.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * The report and sizes a finished run wrote to {@code folder}'s {@code report.json}, or null when there is none
     * (or it has no sizes: reports of runs that exported nothing).
     */
    public static RunSummary read(Path folder) throws IOException {
        Path file = folder.resolve("report.json");
        if (!Files.exists(file)) {
            return null;
        }
        try {
            JsonObject root = com.google.gson.JsonParser.parseString(Files.readString(file)).getAsJsonObject();
            if (!root.has("size")) {
                return null;
            }
            List<Row> rows = new java.util.ArrayList<>();
            rows.add(GSON.fromJson(root.get("reference"), Row.class));
            rows.add(GSON.fromJson(root.get("direct_compression"), Row.class));
            for (var step : root.getAsJsonArray("steps")) {
                rows.add(GSON.fromJson(step, Row.class));
            }
            JsonObject size = root.getAsJsonObject("size");
            LcReport report = new LcReport(rows);
            if (root.has("exported")) {
                JsonObject exported = root.getAsJsonObject("exported");
                report = new LcReport(rows, exported.get("step").getAsInt(), exported.get("criterion").getAsString(),
                        root.has("stop") && !root.get("stop").isJsonNull() ? root.get("stop").getAsString() : null);
            }
            return new RunSummary(report, new Sizes(
                    GSON.fromJson(size.get("original_bytes"), SavedModelSize.class),
                    GSON.fromJson(size.get("direct_compression_bytes"), SavedModelSize.class),
                    GSON.fromJson(size.get("compressed_bytes"), SavedModelSize.class)));
        } catch (RuntimeException e) {
            throw new IOException(file + " cannot be read as an LC report: " + e.getMessage(), e);
        }
    }

    static String json(LcReport report, String title, Sizes sizes) {
        return json(report, title, sizes, null);
    }

    static String json(LcReport report, String title, Sizes sizes, ServingLatency latency) {
        JsonObject root = new JsonObject();
        root.addProperty("title", title);
        root.add("reference", GSON.toJsonTree(report.reference()));
        root.add("direct_compression", GSON.toJsonTree(report.directCompression()));
        root.add("steps", GSON.toJsonTree(report.steps()));
        root.add("final", GSON.toJsonTree(report.finalRow()));
        JsonObject exported = new JsonObject();
        exported.addProperty("step", report.exportedStep());
        exported.addProperty("criterion", report.criterion());
        exported.add("row", GSON.toJsonTree(report.exported()));
        root.add("exported", exported);
        root.addProperty("stop", report.stop());
        if (report.schedule() != null) {
            JsonObject schedule = new JsonObject();
            schedule.addProperty("mu0", report.schedule().mu0());
            schedule.addProperty("growth", report.schedule().growth());
            schedule.addProperty("steps", report.schedule().steps());
            schedule.addProperty("derived", report.schedule().derived());
            if (report.schedule().derived()) {
                // A derived μ grows only after steps that settled: the last step's μ says how far it got.
                schedule.addProperty("last_mu", report.finalRow().mu());
            }
            root.add("schedule", schedule);
        }
        if (report.lStep() != null) {
            LStepSettings l = report.lStep();
            JsonObject lStep = new JsonObject();
            lStep.addProperty("optimizer", l.optimizer().kind());
            lStep.addProperty("momentum", l.optimizer().momentum());
            lStep.addProperty("lr0", l.lr0());
            lStep.addProperty("lr0_from_model", l.lr0FromModel());
            lStep.addProperty("lr_decay", l.lrDecay());
            lStep.addProperty("epochs", l.epochs());
            lStep.addProperty("first_epochs", l.firstEpochs());
            lStep.addProperty("batch_size", l.batchSize());
            root.add("l_step", lStep);
        }
        if (sizes != null) {
            JsonObject size = new JsonObject();
            size.add("original_bytes", GSON.toJsonTree(sizes.original()));
            size.add("direct_compression_bytes", GSON.toJsonTree(sizes.directCompression()));
            size.add("compressed_bytes", GSON.toJsonTree(sizes.compressed()));
            size.addProperty("ratio_on_disk", sizes.compressed().ratio(sizes.original()));
            size.addProperty("ratio_gzipped", (double) sizes.original().gzipped() / sizes.compressed().gzipped());
            size.addProperty("bits", report.exported().bits());
            size.addProperty("ratio_bits", report.exported().compressionRatio());
            root.add("size", size);
        }
        if (latency != null) {
            JsonObject serving = new JsonObject();
            serving.addProperty("batch_size", latency.batchSize());
            serving.addProperty("original_ms_per_batch", latency.originalMillis());
            serving.addProperty("compressed_ms_per_batch", latency.compressedMillis());
            serving.addProperty("latency_ratio", latency.ratio());
            serving.addProperty("latency_ratio_min", latency.minRatio());
            serving.addProperty("latency_ratio_max", latency.maxRatio());
            serving.addProperty("repetitions", latency.ratios().length);
            root.add("serving", serving);
            root.addProperty("latency_ratio", latency.ratio());
        }
        return GSON.toJson(root) + "\n";
    }

    static String markdown(LcReport report, String title, Sizes sizes) {
        StringBuilder md = new StringBuilder("# ").append(title).append("\n\n");
        boolean regression = Double.isNaN(report.reference().testError());
        md.append(regression ? "| stage | step | μ | test MAE | test RMSE | train loss | ‖w − Δ(Θ)‖² | bits | ratio |\n"
                : "| stage | step | μ | test error | agreement | train loss | ‖w − Δ(Θ)‖² | bits | ratio |\n");
        md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Row r : report.rows()) {
            double distance = r.tasks().stream().mapToDouble(Row.TaskRow::distance).sum();
            String measures = regression ? String.format(Locale.ROOT, "%.4g | %.4g", r.testMae(), r.testRmse())
                    : String.format(Locale.ROOT, "%.2f%% | %.2f%%", 100 * r.testError(), 100 * r.agreement());
            md.append(String.format(Locale.ROOT, "| %s | %d | %.3g | %s | %.4f | %s | %,d | %.1f× |%n",
                    r.stage(), r.step(), r.mu(), measures, r.trainLoss(),
                    r.stage().equals("reference") ? "–" : String.format(Locale.ROOT, "%.3g", distance), r.bits(),
                    r.compressionRatio()));
        }
        if (sizes != null) {
            SavedModelSize o = sizes.original();
            SavedModelSize d = sizes.directCompression();
            SavedModelSize c = sizes.compressed();
            md.append("\n## Size on disk\n\n| | whole folder | variables/ | saved_model.pb | gzipped |\n")
                    .append("| --- | ---: | ---: | ---: | ---: |\n")
                    .append(String.format(Locale.ROOT, "| original | %,d | %,d | %,d | %,d |%n", o.total(),
                            o.variables(), o.graph(), o.gzipped()))
                    .append(String.format(Locale.ROOT, "| direct compression (measured, not kept) | %,d | %,d | %,d "
                            + "| %,d |%n", d.total(), d.variables(), d.graph(), d.gzipped()))
                    .append(String.format(Locale.ROOT, "| compressed (`model/`) | %,d | %,d | %,d | %,d |%n",
                            c.total(), c.variables(), c.graph(), c.gzipped()))
                    .append(String.format(Locale.ROOT, "| ratio | %.1f× | %.1f× | %.2f× | %.1f× |%n",
                            (double) o.total() / c.total(), (double) o.variables() / c.variables(),
                            (double) o.graph() / c.graph(), (double) o.gzipped() / c.gzipped()))
                    .append(String.format(Locale.ROOT, "%nBits of the weights: %,d (%.1f× fewer than the reference)."
                            + "%n", report.exported().bits(), report.exported().compressionRatio()));
        }
        if (report.schedule() != null && report.lStep() != null) {
            MuSchedule mu = report.schedule();
            LStepSettings l = report.lStep();
            md.append(String.format(Locale.ROOT, "%nSchedule: μ = %.4g·%.4g^j over %d steps (%s); L-step: %s, "
                    + "learning rate %.4g·%.4g^j%s, %d epoch(s) per step (%d at the first), batch %d.%n", mu.mu0(),
                    mu.growth(), mu.steps(), mu.derived() ? String.format(Locale.ROOT, "derived from the model; "
                    + "j counts only the steps after which μ grew, last μ %.4g", report.finalRow().mu())
                    : "as the plan gives it", l.optimizer().kind(), l.lr0(), l.lrDecay(),
                    l.lr0FromModel() ? " (lr0 from a range test on the reference)" : "", l.epochs(),
                    l.firstEpochs(), l.batchSize()));
        }
        md.append("\nExported (`model/`): ").append(report.exportedText()).append(String.format(Locale.ROOT,
                " — %s.%n", report.exported().headlineText()));
        if (report.stop() != null) {
            md.append("\nStopped early: ").append(report.stop()).append("\n");
        }
        md.append("\n## Tasks of the exported model\n\n| task | compression | Θ | bits | ‖w − Δ(Θ)‖² |\n")
                .append("| --- | --- | --- | ---: | ---: |\n");
        for (Row.TaskRow t : report.exported().tasks()) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %,d | %.3g |%n", t.task(), t.compression(),
                    t.detail(), t.bits(), t.distance()));
        }
        return md.toString();
    }

    /**
     * Writes {@code content} under a temporary name next to {@code target}, then moves it into place. The file is
     * created as any other (the umask decides who may read it), not with the owner-only mode of temp files.
     */
    public static void atomically(Path target, byte[] content) throws IOException {
        Path tmp = temporary(target, ".tmp");
        try {
            Files.write(tmp, content, java.nio.file.StandardOpenOption.CREATE_NEW);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static Path temporary(Path target, String suffix) {
        return target.resolveSibling("." + target.getFileName() + "." + java.util.UUID.randomUUID() + suffix);
    }
}
