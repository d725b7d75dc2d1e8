package io.tflc.lc.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.tflc.lc.algorithm.LcReport;
import io.tflc.lc.api.CompressionResult;
import io.tflc.lc.api.PlanRunner;
import io.tflc.lc.algorithm.Row;
import io.tflc.lc.data.DataSources;
import io.tflc.lc.distributed.Distribution;
import io.tflc.lc.distributed.WorkerMain;
import io.tflc.lc.plan.Plan;
import io.tflc.lc.plan.PlanParser;
import io.tflc.lc.plan.TaskShorthand;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tf-lc compress}: runs the LC algorithm as a plan file states, or as the command line states it for the
 * common case (a model, its data, the tasks and an output folder; μ is derived from the model, the L-step takes the
 * plans' default).
 */
@Command(name = "compress", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compress a SavedModel with the LC algorithm, as a plan file states (--plan) or in one line "
                + "(--model, --data, --task, --out). Writes report.json, report.md, report.png and model/ to the "
                + "output folder.", "",
                "Example: tf-lc compress --model ../shared/savedmodels/keras-autompg-regression "
                        + "--data csv:../shared/data/auto-mpg/auto-mpg.csv --label MPG --split-train 313 --loss mse "
                        + "--task 're:.*/kernel=codebook:4' --out runs/autompg-k4", ""})
public final class CompressCommand implements Callable<Integer> {

    @ArgGroup(exclusive = true, multiplicity = "1")
    private What what;

    static final class What {
        @Option(names = "--plan", required = true, description = "a plan file (JSON)")
        Path planFile;

        @ArgGroup(exclusive = false)
        OneLine oneLine;
    }

    /** The plan's content given on the command line. */
    static final class OneLine {
        @Option(names = "--model", required = true, description = "the SavedModel folder")
        Path model;

        @Option(names = "--data", required = true, description = "KIND:PATH with KIND one of idx, csv, npy, images, "
                + "tfrecord (a plain folder: idx)")
        String data;

        @Option(names = "--test-data", description = "a separate test source (KIND:PATH); without it, --split-train "
                + "splits --data (idx folders hold both sets)")
        String testData;

        @Option(names = "--label", description = "CSV: the label column; TFRecord: the label feature")
        String label;

        @Option(names = "--loss", description = "auto (default), softmax_cross_entropy, sigmoid_cross_entropy, mse, "
                + "mae, distill")
        String loss = "auto";

        // Picocli shows no field defaults inside an argument group: the defaults are spelt out.
        @Option(names = "--temperature", description = "distillation temperature (default: "
                + io.tflc.lc.objective.Distillation.DEFAULT_TEMPERATURE + ")")
        double temperature = io.tflc.lc.objective.Distillation.DEFAULT_TEMPERATURE;

        @Option(names = "--split-train", description = "train on this many (seeded) examples of --data, test on the "
                + "rest")
        int splitTrain;

        @Option(names = "--seed", description = "seed of the split and the minibatch order (default: 1)")
        long seed = 1;

        @Option(names = "--scale", description = "multiply the features by this (default: 1/255 for idx, else 1)")
        Float scale;

        @Option(names = "--task", required = true, description = "SELECTOR=SPEC, repeatable; SPEC: codebook:K, "
                + "binary, ternary, prune:F, rank:R, or A+B (additive)")
        List<String> tasks;

        @Option(names = "--stream", description = "read a tfrecord: --data as training goes (never all in "
                + "memory; needs --test-data)")
        boolean stream;

        @Option(names = "--stream-cache", negatable = true, description = "with --stream: parse the records once, "
                + "on the first pass, into a temporary cache (about the records' size on disk, deleted after the run) "
                + "read by the later passes (default: when java.io.tmpdir has room for twice the records)")
        Boolean streamCache;

        @Option(names = "--validation", description = "hold this many training examples out and export the LC "
                + "step whose nested model has the lowest loss on them (default: min(5,000, 20%%) of the training "
                + "set; 0: none, the lowest nested training loss chooses)")
        Integer validation;

        @Option(names = "--steps", description = "LC steps (default: 30); μ0 and its growth are derived from the "
                + "model either way")
        Integer steps;

        @Option(names = "--out", required = true, description = "the output folder")
        Path out;

        @Option(names = "--fold-batch-norm", description = "fold inference-mode BatchNorm into the convolution or "
                + "dense layer before it first, so that the compressed weights are the ones that run (plans: "
                + "\"fold_batch_norm\": true)")
        boolean foldBatchNorm;

        JsonObject plan() {
            JsonObject plan = new JsonObject();
            JsonObject m = new JsonObject();
            m.addProperty("savedmodel", model.toAbsolutePath().toString());
            plan.add("model", m);
            JsonObject d = TrainingDataOptions.planData(DataSources.withKind(data),
                    testData == null ? null : DataSources.withKind(testData), label, scale, stream,
                    validation != null ? validation : stream ? 0 : Plan.Data.AUTO_VALIDATION, splitTrain, seed);
            if (streamCache != null) {
                d.addProperty("stream_cache", streamCache);
            }
            plan.add("data", d);
            JsonObject l = new JsonObject();
            l.addProperty("name", loss);
            l.addProperty("temperature", temperature);
            plan.add("loss", l);
            JsonArray t = new JsonArray();
            tasks.forEach(task -> t.add(TaskShorthand.parse(task)));
            plan.add("tasks", t);
            if (steps != null) {
                JsonObject schedule = new JsonObject();
                schedule.addProperty("steps", steps);
                plan.add("schedule", schedule);
            }
            plan.addProperty("seed", seed);
            plan.addProperty("output", out.toAbsolutePath().toString());
            if (foldBatchNorm) {
                plan.addProperty("fold_batch_norm", true);
            }
            return plan;
        }
    }

    @Option(names = "--resume", description = "continue an interrupted run from its last checkpoint")
    private boolean resume;

    @Option(names = "--force", description = "start over, deleting the results of an earlier run in the output "
            + "folder (only in a folder tf-lc made)")
    private boolean force;

    @Mixin
    private TrustOption trust;

    @Option(names = "--workers", description = "share the L-step among N worker processes on this host (TF's "
            + "distributed runtime, loopback; the plan's batch size is the global batch); default: the plan's "
            + "\"workers\", else 1")
    private Integer workers;

    @Option(names = "--cluster", description = "a file of host:port lines, worker 0 first: run one worker of that "
            + "cluster here (start the same command on every host, each with its --worker)")
    private Path cluster;

    @Option(names = "--worker", description = "this host's worker in --cluster (default: 0, the one that writes)")
    private int worker;

    @Override
    public Integer call() throws Exception {
        PlanRunner.Options options = new PlanRunner.Options(resume, force, trust.trust());
        ProgressListener listener = new ProgressListener(System.out);
        JsonObject json = what.planFile != null
                ? com.google.gson.JsonParser.parseString(java.nio.file.Files.readString(what.planFile)).getAsJsonObject()
                : what.oneLine.plan();
        Path base = what.planFile != null ? what.planFile.toAbsolutePath().getParent() : Path.of("").toAbsolutePath();
        Distribution distribution = Distribution.of(json, base, workers, cluster, worker);
        options = options.on(distribution);
        if (distribution != null && !distribution.replica().writes()) {
            // A worker on another host of a cluster: the same run, nothing written here; worker 0 writes.
            WorkerMain.follow(PlanParser.parse(json, base), what.planFile != null
                    ? PlanParser.fingerprint(what.planFile) : PlanRunner.fingerprint(json), options, listener);
            return 0;
        }
        CompressionResult result;
        if (what.planFile != null) {
            Plan plan = PlanParser.parse(what.planFile);
            System.out.println("plan " + what.planFile + " → " + plan.output());
            result = PlanRunner.run(plan, PlanParser.fingerprint(what.planFile),
                    what.planFile.getFileName().toString(), options, listener);
        } else {
            // The plan this command line means; PlanRunner writes it beside the results for `compress --plan`.
            String title = what.oneLine.model.getFileName() + " " + String.join(" ", what.oneLine.tasks);
            System.out.println(title + " → " + what.oneLine.out.toAbsolutePath());
            result = PlanRunner.run(what.oneLine.plan(), title, options, listener);
        }
        LcReport report = result.report();
        System.out.println("report: " + result.output().resolve("report.md"));
        Row exported = report.exported();
        System.out.printf(Locale.ROOT, "final: %s (reference %s, DC %s), ratio %.1f×; exported: %s%s%n",
                exported.headlineText(), report.reference().headlineText(),
                report.directCompression().headlineText(), exported.compressionRatio(), report.exportedText(),
                report.stop() == null ? "" : "; stopped early: " + report.stop());
        return 0;
    }
}
