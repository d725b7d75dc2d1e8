package io.tflc.lc.api;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import io.tflc.compressors.Theta;
import io.tflc.lc.algorithm.LStepSettings;
import io.tflc.lc.algorithm.LcReport;
import io.tflc.lc.algorithm.LcRun;
import io.tflc.lc.algorithm.Task;
import io.tflc.lc.data.DataSources;
import io.tflc.lc.data.Dataset;
import io.tflc.lc.data.Datasets;
import io.tflc.lc.data.TfRecordStream;
import io.tflc.lc.data.TrainingData;
import io.tflc.lc.distributed.ClusterWorker;
import io.tflc.lc.distributed.Digests;
import io.tflc.lc.distributed.Distribution;
import io.tflc.lc.distributed.Replica;
import io.tflc.lc.distributed.Watchdog;
import io.tflc.lc.distributed.WorkerLauncher;
import io.tflc.lc.distributed.WorkerSpec;
import io.tflc.lc.distributed.WorkersReport;
import io.tflc.lc.lstep.Optimizer;
import io.tflc.lc.objective.Distillation;
import io.tflc.lc.objective.Objective;
import io.tflc.lc.objective.Objectives;
import io.tflc.lc.plan.Plan;
import io.tflc.lc.plan.PlanException;
import io.tflc.lc.plan.PlanParser;
import io.tflc.lc.plan.TaskSpec;
import io.tflc.lc.prune.StructuredPruner;
import io.tflc.lc.report.ReportWriter;
import io.tflc.lc.report.TensorBoardListener;
import io.tflc.lc.sensitivity.ValidationSplit;
import io.tflc.lc.verify.ServingLatency;
import io.tflc.savedmodels.BatchNormFolding;
import io.tflc.savedmodels.ModelExporter;
import io.tflc.savedmodels.OutputFolder;
import io.tflc.savedmodels.SavedModelReader;
import io.tflc.savedmodels.SavedModelSize;
import io.tflc.savedmodels.TrainableModel;
import io.tflc.savedmodels.safety.ModelTrust;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs a plan: loads the model (folding its BatchNorm when the plan says so) and the data, resolves the tasks, runs
 * LC, and writes to the plan's output folder {@code report.json}, {@code report.md}, {@code report.png},
 * {@code tensorboard/} (event files) and {@code model/}, the compressed SavedModel (Θ's storage in its checkpoint,
 * decoded at load; the original signature). Plans from JSON, the command line and {@link Lc}'s builder all run here.
 * It prints nothing: what the user should know goes to the listener's {@link LcRun.Listener#notice}.
 */
public final class PlanRunner {
    private PlanRunner() {
    }

    /** The folder in the output that holds the followers' logs and specs of a run on several workers. */
    private static final String WORKERS = "workers";
    /** How long a failed leader waits for a follower's exit to be reported before it rethrows TF's error as it is. */
    private static final java.time.Duration FOLLOWER_EXIT_REPORT = java.time.Duration.ofSeconds(5);
    /** What the files a run writes into its output folder are called; --force deletes these and nothing else. */
    private static final List<String> RUN_FILES = List.of("report.json", "report.md", "report.png", "tensorboard",
            "checkpoint", "model", WORKERS);

    /**
     * How a run treats an earlier run's results and the model's ops.
     *
     * @param resume continue from the checkpoint in the output folder, if there is one
     * @param force start over even though an earlier run wrote to the output folder (its results are deleted)
     * @param trust whether the model's ops are checked before it runs ({@link ModelTrust})
     * @param checkpoints the folder the run's checkpoint is written to and resumed from; null: {@code checkpoint/}
     *     in the output folder
     * @param distribution the workers the L-step is shared by ({@link Distribution}); null: this process alone
     */
    public record Options(boolean resume, boolean force, ModelTrust trust, Path checkpoints,
                          Distribution distribution) {
        /** A new run that refuses an earlier run's folder and a model whose ops fail the scan. */
        public static final Options NEW = new Options(false, false, ModelTrust.CHECK_OPS, null);

        /** In this process alone. */
        public Options(boolean resume, boolean force, ModelTrust trust, Path checkpoints) {
            this(resume, force, trust, checkpoints, null);
        }

        /** The same options on {@code workers}. */
        public Options on(Distribution workers) {
            return new Options(resume, force, trust, checkpoints, workers);
        }

        /** Checkpoints in the output folder. */
        public Options(boolean resume, boolean force, ModelTrust trust) {
            this(resume, force, trust, null);
        }

        Path checkpointsIn(Path output) {
            return checkpoints != null ? checkpoints : output.resolve("checkpoint");
        }
    }

    /**
     * Runs a plan given as JSON (a command line's or the builder's, paths resolved against the working folder): its
     * fingerprint is its text's, and the text is written beside the results as {@code plan.json}, which
     * {@code tf-lc compress --plan} reruns.
     *
     * @throws PlanException when the plan is not valid
     * @throws IOException as {@link #run(Plan, String, String, Options, LcRun.Listener)}
     */
    public static CompressionResult run(JsonObject planJson, String title, Options options, LcRun.Listener listener)
            throws IOException {
        Path base = Path.of("").toAbsolutePath();
        Plan plan = PlanParser.parse(planJson, base);
        byte[] text = (new GsonBuilder().setPrettyPrinting().create().toJson(planJson) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        String fingerprint = fingerprint(planJson);
        if (options.distribution() == null && Distribution.asked(planJson)) {
            options = options.on(Distribution.of(planJson, base, null, null, 0));
        }
        CompressionResult result = run(plan, fingerprint, title, options, listener);
        ReportWriter.atomically(plan.output().resolve("plan.json"), text);
        return result;
    }

    /**
     * What identifies a plan given as JSON, for its checkpoint: its text's digest without {@code workers} and
     * {@code cluster}, which do not change what the run computes (a checkpoint resumes on another number of workers).
     */
    public static String fingerprint(JsonObject planJson) {
        return PlanParser.fingerprint((new GsonBuilder().setPrettyPrinting().create()
                .toJson(Distribution.withoutKeys(planJson)) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Claims the plan's output folder ({@link OutputFolder}) for the run's life and runs the plan there.
     *
     * @param fingerprint identifies the plan: a checkpoint written under another fingerprint is not resumed
     * @param title names the run in its reports
     * @throws java.nio.file.FileAlreadyExistsException when an earlier run wrote to the output folder and neither
     *     resume nor force is set, or the folder holds files tf-lc did not write
     * @throws IOException when the model or the data cannot be read, is shaped unlike the other, or the results
     *     cannot be written
     * @throws io.tflc.lc.plan.PlanException when a task fits no weight of the model (the message names the weights)
     * @throws IllegalArgumentException when the data and the plan do not combine (e.g. a split larger than the data)
     */
    public static CompressionResult run(Plan plan, String fingerprint, String title, Options options,
                                        LcRun.Listener listener) throws IOException {
        try (OutputFolder folder = OutputFolder.claim(plan.output(), inputs(plan), "compress: " + title)) {
            return run(plan, folder, fingerprint, title, options, listener);
        }
    }

    /**
     * Runs the plan in an output folder the caller has claimed.
     *
     * @throws IOException as {@link #run(Plan, String, String, Options, LcRun.Listener)}
     */
    public static CompressionResult run(Plan plan, OutputFolder folder, String fingerprint, String title,
                                        Options options, LcRun.Listener listener) throws IOException {
        Path output = folder.path();
        boolean earlier = Files.exists(output.resolve("report.json"))
                || Files.exists(options.checkpointsIn(output).resolve(io.tflc.lc.algorithm.Checkpoint.MANIFEST));
        if (earlier && !options.resume() && !options.force()) {
            throw new FileAlreadyExistsException(output.toString(), null, "an LC run already wrote here; pass "
                    + "--resume to continue it, --force to start over, or choose another output");
        }
        if (options.force()) {
            folder.delete(RUN_FILES);
        }
        Distribution workers = options.distribution();
        if (workers == null) {
            return loadAndCompress(plan, fingerprint, title, options, listener);
        }
        ClusterWorker.start(workers.cluster(), workers.index());
        WorkerSpec spec = new WorkerSpec(workers.planJson(), workers.planBase().toString(), fingerprint, title,
                workers.cluster().workers(), workers.index(), options.resume(), options.trust().name(),
                options.checkpointsIn(output).toAbsolutePath().toString());
        try (Watchdog dog = Watchdog.start("worker " + workers.index() + " (" + workers.cluster().workers()
                .get(workers.index()) + ")");
             WorkerLauncher followers = workers.launch()
                ? WorkerLauncher.start(spec, output.resolve(WORKERS), listener::notice) : null) {
            CompressionResult result;
            try {
                result = loadAndCompress(plan, fingerprint, title, options, dog.watching(listener));
            } catch (RuntimeException e) {
                // A TF error in a run with followers is usually a follower's death seen through the all-reduce,
                // sometimes before its exit is reported: give that report a moment.
                String failure = followers == null ? null
                        : followers.failure(fromTensorFlow(e) ? FOLLOWER_EXIT_REPORT : java.time.Duration.ZERO);
                if (failure != null) {
                    throw new IllegalStateException(failure, e);
                }
                throw e;
            }
            if (followers != null) {
                followers.awaitFollowers(60);
            }
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the workers finished", e);
        }
    }

    /** Whether TF raised {@code e} or one of its causes (a session run, an all-reduce among them). */
    private static boolean fromTensorFlow(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.tensorflow.exceptions.TensorFlowException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Runs worker {@code options.distribution().index()}'s part of a plan whose worker 0 writes: the same loading,
     * L-steps and C-steps, nothing written (its checkpoint is read on resume).
     *
     * @throws IOException as {@link #run(Plan, String, String, Options, LcRun.Listener)}
     */
    public static void follow(Plan plan, String fingerprint, Options options, LcRun.Listener listener)
            throws IOException {
        loadAndCompress(plan, fingerprint, "worker " + options.distribution().index(), options, listener);
    }

    private static CompressionResult loadAndCompress(Plan plan, String fingerprint, String title, Options options,
                                                     LcRun.Listener listener) throws IOException {
        try (TrainableModel read = SavedModelReader.read(plan.model().savedModel(), plan.model().signature(),
                plan.model().input(), plan.model().output(), options.trust());
             TrainableModel folded = plan.foldBatchNorm() ? BatchNormFolding.foldOrKeep(read, listener::notice)
                     : null) {
            TrainableModel loaded = folded != null ? folded : read;
            String source = plan.data().source() != null ? plan.data().source() : plan.data().train();
            String loss = Objectives.forData(plan.loss().name(), source);
            if (!loss.equals(plan.loss().name())) {
                listener.notice("generated inputs have no labels: the model learns the reference's outputs (" + loss
                        + ")");
            }
            Objective objective = Objectives.resolve(loss, loaded, plan.loss().temperature());
            requireMeasurableRate(plan, objective);
            if (plan.data().stream()) {
                return streamed(plan, loaded, objective, fingerprint, title, options, listener);
            }
            Datasets data = load(plan, loaded.exampleShape());
            Dataset train = limit(data.train(), plan.data().trainLimit());
            Dataset test = limit(data.test(), plan.data().testLimit());
            Objective testObjective = objective;
            int outputs = objective.outputs(loaded);
            if (objective instanceof Distillation distill) {
                // The reference's own outputs are the training targets: labels are neither used nor needed.
                train = Objectives.teacherTargets(loaded, distill, train);
                if (distill.base().fits(test, outputs)) {
                    testObjective = distill.base();
                } else {
                    listener.notice("the test set has no labels the model's objective can use: it is measured "
                            + "against the reference's outputs (agreement)");
                    test = Objectives.teacherTargets(loaded, distill, test);
                }
            }
            objective.check(train, outputs, "the training data (" + describe(plan, true) + ")");
            testObjective.check(test, outputs, "the test data (" + describe(plan, false) + ")");
            Dataset validation = null;
            boolean auto = plan.data().validation() == Plan.Data.AUTO_VALIDATION;
            int held = auto ? ValidationSplit.autoSize(train.size()) : plan.data().validation();
            if (auto && held == 0) {
                listener.notice(String.format(java.util.Locale.ROOT, "validation: none held out: a default split "
                        + "of %,d training examples (20%%) is too few to choose a step on (fewer than %,d); the lowest "
                        + "nested training loss chooses (--validation N holds N out anyway)",
                        ValidationSplit.defaultSize(train.size()), ValidationSplit.MIN_AUTO));
            }
            if (held > 0) {
                ValidationSplit split = ValidationSplit.carve(train, held, plan.seed());
                train = split.train();
                validation = split.validation();
                listener.notice(String.format(java.util.Locale.ROOT, "validation: %,d training examples held out "
                        + "(seed %d) to choose the best nested model on", validation.size(), plan.seed()));
            }
            listener.notice(String.format(java.util.Locale.ROOT, "objective %s: %,d training and %,d test examples",
                    objective.name(), train.size(), test.size()));
            if (loaded.declared().fixedBatch() > 0) {
                listener.notice(String.format(java.util.Locale.ROOT, "the model's graph takes batches of exactly %d "
                        + "examples: it trains and is measured in batches of %d (the plan's batch size is not used; "
                        + "the last batch is padded and the padding neither counted nor learnt)",
                        loaded.declared().fixedBatch(), loaded.declared().fixedBatch()));
            }
            try (TrainableModel model = plan.prune() == null ? null : prune(plan, loaded, train, test, listener)) {
                return compress(plan, title, options, model == null ? loaded : model, train, test,
                        validation, objective, testObjective, fingerprint, listener);
            }
        }
    }

    /**
     * A run whose training set is read from TFRecord files as it trains ({@link TfRecordStream}), never held in
     * memory; the test set is loaded. Its training labels are not range-checked before training (they are never all
     * in memory); distillation and structured pruning need the training set in memory.
     */
    private static CompressionResult streamed(Plan plan, TrainableModel model, Objective objective, String fingerprint,
                                       String title, Options options, LcRun.Listener listener) throws IOException {
        Plan.Data d = plan.data();
        if (d.train() == null || !d.train().startsWith("tfrecord:")) {
            throw new IllegalArgumentException("data.stream reads a tfrecord: train source; give data.train and "
                    + "data.test (got " + (d.source() != null ? "source " + d.source() : "train " + d.train()) + ")");
        }
        if (objective instanceof Distillation || plan.prune() != null || d.trainLimit() > 0 || d.validates()) {
            throw new IllegalArgumentException("data.stream does not combine with distillation, prune, "
                    + "train_limit or validation: they need the training set in memory (leave validation out: the "
                    + "best nested model is then chosen by training loss)");
        }
        int[] shape = model.exampleShape();
        Dataset test = limit(DataSources.open(d.test(), d.spec()).load(shape), d.testLimit());
        int outputs = objective.outputs(model);
        objective.check(test, outputs, "the test data (" + d.test() + ")");
        TfRecordStream train = TfRecordStream.open(d.train().substring("tfrecord:".length()), d.spec(), shape,
                d.shuffleBuffer());
        listener.notice(String.format(java.util.Locale.ROOT, "objective %s: %,d training examples streamed from %s "
                + "(shuffle buffer %,d), %,d test examples", objective.name(), train.size(), d.train(),
                d.shuffleBuffer(), test.size()));
        long recordBytes = train.files().stream().mapToLong(f -> f.toFile().length()).sum();
        Path temporary = Path.of(System.getProperty("java.io.tmpdir"));
        StreamCacheFolder.removeStale(temporary, listener::notice);
        long free = Files.getFileStore(temporary).getUsableSpace();
        boolean cached = switch (d.streamCache()) {
            case ON -> true;
            case OFF -> false;
            // Twice the records' size: the cache takes about their size and the run's output needs room too.
            case AUTO -> free >= 2 * recordBytes;
        };
        if (!cached) {
            if (d.streamCache() == Plan.Data.StreamCache.AUTO) {
                listener.notice(String.format(java.util.Locale.ROOT, "the training records are parsed on every pass, "
                        + "not cached: %s has %,d MB free, the cache needs room for twice the records' %,d MB "
                        + "(java.io.tmpdir sets the folder)", temporary, free / 1_000_000, recordBytes / 1_000_000));
            }
            return compress(plan, title, options, model, train, test, null, objective, objective, fingerprint,
                    listener);
        }
        try (StreamCacheFolder cache = StreamCacheFolder.create(temporary, listener::notice)) {
            listener.notice("the parsed training examples are cached in " + cache.folder() + " on the first pass "
                    + "(about " + recordBytes / 1_000_000 + " MB), deleted after the run (--no-stream-cache, "
                    + "\"stream_cache\": false: parse every pass instead)");
            return compress(plan, title, options, model, train.cachedIn(cache.folder()), test, null, objective,
                    objective, fingerprint, listener);
        }
    }

    /** What a run reads: the folder it writes must be apart from these. */
    public static Map<String, Path> inputs(Plan plan) {
        return inputs(plan.model().savedModel(), plan.data().paths());
    }

    /** A model and the data's files and folders, named for {@link OutputFolder#claim}'s messages. */
    public static Map<String, Path> inputs(Path model, List<Path> data) {
        Map<String, Path> inputs = new LinkedHashMap<>();
        inputs.put("model", model);
        for (int i = 0; i < data.size(); i++) {
            inputs.put(i == 0 ? "data" : "data (" + (i + 1) + ")", data.get(i));
        }
        return inputs;
    }

    private static String describe(Plan plan, boolean train) {
        Plan.Data d = plan.data();
        return d.source() != null ? d.source() + (d.splitTrain() > 0 ? (train ? ", first " : ", after the first ")
                + d.splitTrain() + " of a seeded split" : "") : train ? d.train() : d.test();
    }

    /** Structured pruning before LC, as the plan's {@code prune} says; says what it did. */
    private static TrainableModel prune(Plan plan, TrainableModel model, Dataset train, Dataset test,
                                        LcRun.Listener listener) {
        Plan.Prune p = plan.prune();
        int[] sample = java.util.Arrays.copyOf(train.shuffledIndices(new java.util.SplittableRandom(plan.seed())),
                Math.min(p.images(), train.size()));
        StructuredPruner pruner = new StructuredPruner(model, train.select(sample));
        io.tflc.lc.prune.Alignment.Chosen chosen = p.align() > 0 || plan.align() == 0
                ? io.tflc.lc.prune.Alignment.resolve(p.align(), "prune.align")
                : io.tflc.lc.prune.Alignment.resolve(plan.align(), "align");
        listener.notice("pruning " + chosen.line());
        int align = chosen.alignment();
        var kept = Double.isNaN(p.keep()) ? pruner.flopsTarget(p.flopsTarget(), align) : pruner.keep(p.keep(), align);
        TrainableModel pruned = pruner.prune(kept, p.method().equals("id") ? StructuredPruner.Method.ID
                : StructuredPruner.Method.MAGNITUDE);
        listener.notice(io.tflc.lc.prune.PruneReport.measure(p.method(), kept, pruner.notPruned(), model, pruned, test, -1, -1)
                .table().stripTrailing());
        return pruned;
    }

    private static CompressionResult compress(Plan plan, String title, Options options, TrainableModel model,
                                       TrainingData train, Dataset test, Dataset validation, Objective objective,
                                       Objective testObjective, String fingerprint, LcRun.Listener listener)
            throws IOException {
        Distribution workers = options.distribution();
        if (workers == null) {
            return compress(plan, title, options, model, train, test, validation, objective, testObjective,
                    fingerprint, listener, Replica.ALONE);
        }
        // The collectives run on this worker's TF server only: the model moves into a session there.
        try (TrainableModel onServer = ClusterWorker.start(workers.cluster(), workers.index()).onServer(model)) {
            return compress(plan, title, options, onServer, train, test, validation, objective, testObjective,
                    fingerprint, listener, workers.replica());
        }
    }

    private static CompressionResult compress(Plan plan, String title, Options options, TrainableModel model,
                                       TrainingData train, Dataset test, Dataset validation, Objective objective,
                                       Objective testObjective, String fingerprint, LcRun.Listener listener,
                                       Replica replica) throws IOException {
        Path output = plan.output();
        List<Task> tasks = new ArrayList<>();
        for (TaskSpec spec : plan.tasks()) {
            tasks.addAll(spec.resolve(model));
        }
        int rankAlignment = 1;
        if (io.tflc.lc.prune.FactoredRanks.concerns(tasks)) {
            io.tflc.lc.prune.Alignment.Chosen chosen = io.tflc.lc.prune.Alignment.resolve(plan.align(), "align");
            listener.notice("factored ranks: " + chosen.line());
            rankAlignment = chosen.alignment();
            tasks = io.tflc.lc.prune.FactoredRanks.aligned(tasks, rankAlignment);
        }
        LcRun run;
        LcReport report;
        LStepSettings settings = lStep(plan, model, train.size(), objective, listener);
        try (TensorBoardListener logged = replica.writes()
                ? new TensorBoardListener(output.resolve("tensorboard"), listener) : null) {
            run = new LcRun(model, tasks, plan.schedule(), settings, train, test, validation,
                    objective, testObjective, plan.seed(), logged != null ? logged : listener,
                    options.checkpointsIn(output), fingerprint).asReplica(replica);
            report = run.run(options.resume());
        }
        if (options.distribution() != null) {
            // Every worker says what it holds, so that a look at the logs (and a test) proves the replicas equal.
            listener.notice("replica digest: weights " + Digests.weights(model.access().readAll()) + ", Θ "
                    + Digests.thetas(run.thetas()));
        }
        if (!replica.writes()) {
            return null;
        }
        // The best nested model seen (DC included), not the last: a step that got worse never costs the result.
        run.applyBestWeights();
        ModelExporter.write(model, stored(tasks, run.best().thetas()), output.resolve("model"), true);
        listener.notice("exported: " + report.exportedText());
        factoredFormCheck(model, stored(tasks, run.best().thetas()), output, test, options, rankAlignment, listener);
        // DC stores another Θ than LC (e.g. other ranks), so its size is measured on an export too.
        SavedModelSize directCompression = ModelExporter.sizeOf(model, stored(tasks, run.directThetas()), output);
        ReportWriter.Sizes sizes = new ReportWriter.Sizes(SavedModelSize.of(plan.model().savedModel()),
                directCompression, SavedModelSize.of(output.resolve("model")));
        ReportWriter.write(report, output, title, sizes, servingLatency(plan, output, test, options, listener));
        if (options.distribution() != null) {
            WorkersReport.add(output.resolve("report.json"), options.distribution().cluster(), settings, report,
                    train.size(), listener);
        }
        listener.reportWritten(report, output, title);
        Map<String, Theta> thetas = new LinkedHashMap<>();
        Map<String, List<String>> weights = new LinkedHashMap<>();
        for (int t = 0; t < tasks.size(); t++) {
            thetas.put(tasks.get(t).name(), run.best().thetas().get(t));
            weights.put(tasks.get(t).name(), tasks.get(t).weights());
        }
        return new CompressionResult(report, sizes, thetas, weights, output);
    }

    /**
     * Refuses a range test that cannot measure anything: a distilled student starts at the teacher, where its loss has
     * no gradient, so SGD does not move at any rate and its probe loss stays flat until rounding noise explodes
     * (LeNet300: 0.13, at which the L-step diverged). Adam's steps are about lr long whatever the gradient.
     */
    private static void requireMeasurableRate(Plan plan, Objective objective) {
        LStepSettings l = plan.lStep();
        if (objective instanceof Distillation && l != null && l.lr0FromModel()
                && l.optimizer().kind().equals(Optimizer.SGD_NESTEROV)) {
            throw new IllegalArgumentException("l_step: \"lr0\": \"auto\" cannot be measured for sgd_nesterov under "
                    + "distillation (the student starts at the teacher, where SGD gets no gradient); give l_step.lr0 "
                    + "a number, or use \"optimizer\": \"adam\" (or leave l_step out: the default distils with Adam)");
        }
    }

    /** The plan's L-step, else the default for the optimizer the SavedModel says trained it, and a line saying so. */
    private static LStepSettings lStep(Plan plan, TrainableModel model, int trainExamples, Objective objective,
                                       LcRun.Listener listener) {
        Set<String> slots = model.declared().optimizerSlots();
        boolean distilled = objective instanceof Distillation;
        LStepSettings settings = plan.lStep(trainExamples, slots, distilled);
        if (plan.lStep() != null) {
            return settings;
        }
        listener.notice("L-step optimizer: " + settings.optimizer().kind() + " (" + (distilled
                ? "distillation: the student starts at the teacher, where only Adam's range test sees a rate"
                : slots.isEmpty() ? "the SavedModel holds no optimizer's slots, as a model SGD trained"
                : "the SavedModel holds the slots " + slots + " of the optimizer that trained it") + ")");
        return settings;
    }

    /** Repetitions of the serving-latency check after export (one batch each): a few seconds, not a benchmark. */
    private static final int LATENCY_REPETITIONS = 3;

    /**
     * The exported model's serving latency beside the original's, as {@code bench serving} measures it (alternating
     * batches, medians, the ratio's range over {@value #LATENCY_REPETITIONS} repetitions on the first
     * batch of test examples), so that every report says whether the compressed model runs faster;
     * null, with a notice saying why, when the two cannot be served side by side.
     */
    /**
     * Serves each factored task beside its dense form and says which is faster; a check that cannot run is said
     * and skipped, never the end of a finished run.
     */
    private static void factoredFormCheck(TrainableModel model, List<ModelExporter.CompressedTask> stored,
                                          Path output, Dataset test, Options options, int alignment,
                                          LcRun.Listener listener) {
        try {
            io.tflc.lc.verify.FactoredFormCheck.check(model, stored, output.resolve("model"), test, output,
                    options.trust(), alignment).forEach(listener::notice);
        } catch (IOException | RuntimeException e) {
            listener.notice("factored-form check skipped: " + e.getMessage());
        }
    }

    private static ServingLatency servingLatency(Plan plan, Path output, Dataset test, Options options,
                                                 LcRun.Listener listener) {
        try {
            ServingLatency latency = ServingLatency.measure(plan.model().savedModel(), output.resolve("model"),
                    test, 256, LATENCY_REPETITIONS, options.trust());
            listener.notice("serving " + latency.line());
            return latency;
        } catch (IOException | RuntimeException e) {
            listener.notice("serving latency not measured: " + e.getMessage());
            return null;
        }
    }

    private static List<ModelExporter.CompressedTask> stored(List<Task> tasks, List<Theta> thetas) {
        List<ModelExporter.CompressedTask> stored = new ArrayList<>();
        for (int t = 0; t < tasks.size(); t++) {
            stored.add(new ModelExporter.CompressedTask(tasks.get(t).weights(), tasks.get(t).view(), thetas.get(t),
                    tasks.get(t).form()));
        }
        return stored;
    }

    /**
     * The plan's train and test sets, shaped and preprocessed as the model expects.
     *
     * @throws IOException when the data is missing, corrupt, empty or shaped unlike {@code exampleShape}
     */
    public static Datasets load(Plan plan, int[] exampleShape) throws IOException {
        Plan.Data d = plan.data();
        Datasets data = DataSources.open(d.spec(), d.source(), d.train(), d.test(), d.splitTrain(), d.splitSeed(),
                exampleShape);
        if (data.train() == null || data.test() == null) {
            throw new IOException(d.source() + " needs both train-* and t10k-* IDX files (or a data.split of the "
                    + "t10k set)");
        }
        return data;
    }

    private static Dataset limit(Dataset data, int limit) {
        return limit > 0 ? data.head(limit) : data;
    }
}
