package io.tflc.lc.cli;

import io.tflc.compressors.Theta;
import io.tflc.lc.algorithm.LcReport;
import io.tflc.lc.algorithm.LcRun;
import io.tflc.lc.algorithm.Task;
import io.tflc.lc.data.Dataset;
import io.tflc.lc.data.Datasets;
import io.tflc.lc.plan.Plan;
import io.tflc.lc.plan.TaskSpec;
import io.tflc.lc.prune.StructuredPruner;
import io.tflc.lc.report.ReportWriter;
import io.tflc.lc.report.RunSummary;
import io.tflc.lc.report.TensorBoardListener;
import io.tflc.savedmodels.SavedModelReader;
import io.tflc.savedmodels.ModelExporter;
import io.tflc.savedmodels.SavedModelSize;
import io.tflc.savedmodels.TrainableModel;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a plan: loads the model and the data, resolves the tasks, runs LC, and writes to the plan's output folder
 * {@code report.json}, {@code report.md}, {@code report.png}, {@code tensorboard/} (event files) and {@code model/},
 * the compressed SavedModel (Θ's storage in its checkpoint, decoded at load; the original signature).
 */
public final class CompressJob {
    private CompressJob() {
    }

    /**
     * @param resume continue from the checkpoint in the output folder, if there is one
     * @param force start over even though an earlier run wrote to the output folder
     */
    public static RunSummary run(Plan plan, String fingerprint, String title, boolean resume, boolean force,
                              LcRun.Listener listener) throws IOException {
        Path output = plan.output();
        boolean earlier = Files.exists(output.resolve("report.json"))
                || Files.exists(output.resolve("checkpoint").resolve(io.tflc.lc.algorithm.Checkpoint.FILE));
        if (earlier && !resume && !force) {
            throw new FileAlreadyExistsException(output.toString(), null, "an LC run already wrote here; pass "
                    + "--resume to continue it, --force to start over, or choose another output");
        }
        try (TrainableModel loaded = SavedModelReader.read(plan.model().savedModel(), plan.model().signature(),
                plan.model().input(), plan.model().output())) {
            Datasets data = load(plan, loaded.exampleShape());
            Dataset train = limit(data.train(), plan.data().trainLimit());
            Dataset test = limit(data.test(), plan.data().testLimit());
            try (TrainableModel model = plan.prune() == null ? null : prune(plan, loaded, train, test)) {
                return compress(plan, title, resume, model == null ? loaded : model, train, test, fingerprint,
                        listener);
            }
        }
    }

    /** Structured pruning before LC, as the plan's {@code prune} says; prints what it did. */
    private static TrainableModel prune(Plan plan, TrainableModel model, Dataset train, Dataset test) {
        Plan.Prune p = plan.prune();
        int[] sample = java.util.Arrays.copyOf(train.shuffledIndices(new java.util.SplittableRandom(plan.seed())),
                Math.min(p.images(), train.size()));
        StructuredPruner pruner = new StructuredPruner(model, train.select(sample));
        var kept = Double.isNaN(p.keep()) ? pruner.flopsTarget(p.flopsTarget()) : pruner.keep(p.keep());
        TrainableModel pruned = pruner.prune(kept, p.method().equals("id") ? StructuredPruner.Method.ID
                : StructuredPruner.Method.MAGNITUDE);
        System.out.print(PruneIdCommand.report(p.method(), kept, model, pruned, test, -1, -1).table());
        return pruned;
    }

    private static RunSummary compress(Plan plan, String title, boolean resume, TrainableModel model, Dataset train,
                                     Dataset test, String fingerprint, LcRun.Listener listener) throws IOException {
        Path output = plan.output();
        List<Task> tasks = new ArrayList<>();
        for (TaskSpec spec : plan.tasks()) {
            tasks.addAll(spec.resolve(model));
        }
        LcRun run;
        LcReport report;
        try (TensorBoardListener logged = new TensorBoardListener(output.resolve("tensorboard"), listener)) {
            run = new LcRun(model, tasks, plan.schedule(), plan.lStep(), train, test, plan.seed(), logged,
                    output.resolve("checkpoint"), fingerprint);
            report = run.run(resume);
        }
        run.applyCompressedWeights();
        ModelExporter.write(model, stored(tasks, run.thetas()), output.resolve("model"), true);
        // DC stores another Θ than LC (e.g. other ranks), so its size is measured on an export too.
        SavedModelSize directCompression = ModelExporter.sizeOf(model, stored(tasks, run.directThetas()), output);
        ReportWriter.Sizes sizes = new ReportWriter.Sizes(SavedModelSize.of(plan.model().savedModel()),
                directCompression, SavedModelSize.of(output.resolve("model")));
        ReportWriter.write(report, output, title, sizes);
        return new RunSummary(report, sizes);
    }

    private static List<ModelExporter.CompressedTask> stored(List<Task> tasks, List<Theta> thetas) {
        List<ModelExporter.CompressedTask> stored = new ArrayList<>();
        for (int t = 0; t < tasks.size(); t++) {
            stored.add(new ModelExporter.CompressedTask(tasks.get(t).weights(), tasks.get(t).view(), thetas.get(t),
                    tasks.get(t).form()));
        }
        return stored;
    }

    /** The plan's train and test sets, scaled as the model expects. */
    public static Datasets load(Plan plan, int[] exampleShape) throws IOException {
        Plan.Data spec = plan.data();
        float scale = plan.model().inputScale() != null ? plan.model().inputScale() : spec.scale();
        Datasets data = Datasets.loadMnistLayout(spec.idxDir(), scale, exampleShape);
        if (spec.splitTrain() > 0) {
            Dataset all = data.test();
            if (all == null || all.size() <= spec.splitTrain()) {
                throw new IOException("data.split needs more than " + spec.splitTrain() + " t10k-* examples in "
                        + spec.idxDir());
            }
            int[] order = all.shuffledIndices(new java.util.SplittableRandom(spec.splitSeed()));
            return new Datasets(all.select(java.util.Arrays.copyOfRange(order, 0, spec.splitTrain())),
                    all.select(java.util.Arrays.copyOfRange(order, spec.splitTrain(), order.length)));
        }
        if (data.train() == null || data.test() == null) {
            throw new IOException(spec.idxDir() + " needs both train-* and t10k-* IDX files (or a data.split of the "
                    + "t10k set)");
        }
        return data;
    }

    private static Dataset limit(Dataset data, int limit) {
        return limit > 0 ? data.head(limit) : data;
    }
}
