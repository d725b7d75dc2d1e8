package io.tflc.lc.api;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.tflc.lc.algorithm.LcRun;
import io.tflc.lc.algorithm.MuSchedule;
import io.tflc.lc.plan.Plan;
import io.tflc.lc.plan.PlanException;
import io.tflc.lc.plan.PlanParser;
import io.tflc.savedmodels.ModelExporter;
import io.tflc.savedmodels.safety.ModelTrust;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * An LC run being described, from {@link Lc#compress}. Only the data and at least one task must be given; the rest
 * defaults as a plan file without those keys does: μ derived from the model over 30 LC steps, the L-step of
 * {@link Plan#defaultLStep}, {@link Loss#AUTO}, seed 0, and (as the one-line {@code compress}) a validation split of
 * min(5,000, 20%) of the training set to choose the exported step on. The run's folder defaults to a new folder
 * under {@code java.io.tmpdir}; nothing is printed, the listener hears what the run decides.
 *
 * <p>The builder writes the plan a plan file would hold and parses it with {@link PlanParser}: API, command line and
 * plan files make the same {@link Plan} and run it in {@link PlanRunner}, and the plan's text (also written to
 * {@code plan.json} in the run's folder) fingerprints the run for {@link #resume()}.
 */
public final class CompressionBuilder {
    private final Path savedModel;
    private String signature;
    private Float inputScale;
    private JsonObject data;
    private String label;
    private Integer validation;
    private int trainLimit;
    private int testLimit;
    private Float scale;
    private Integer shuffleBuffer;
    private final JsonArray tasks = new JsonArray();
    private MuSchedule schedule;
    private LStep lStep;
    private Loss loss = Loss.AUTO;
    private Double temperature;
    private long seed;
    private int workers = 1;
    private boolean foldBatchNorm;
    private JsonObject prune;
    private Path output;
    private Path checkpoints;
    private boolean resume;
    private boolean force;
    private ModelTrust trust = ModelTrust.CHECK_OPS;
    private LcRun.Listener listener = new LcRun.Listener() { };
    private String title;

    CompressionBuilder(Path savedModel) {
        this.savedModel = Objects.requireNonNull(savedModel, "savedModel").toAbsolutePath().normalize();
    }

    /** The signature to call (default {@code serving_default}). */
    public CompressionBuilder signature(String name) {
        this.signature = name;
        return this;
    }

    /**
     * The factor the model's input expects the data's features multiplied by; it wins over {@link #scale} (default:
     * the data's scale: 1/255 for IDX, else 1).
     */
    public CompressionBuilder inputScale(float factor) {
        this.inputScale = factor;
        return this;
    }

    /** A train and a test source. */
    public CompressionBuilder data(DataSource train, DataSource test) {
        JsonObject d = new JsonObject();
        d.addProperty("train", train.text());
        d.addProperty("test", test.text());
        if (train.label() != null && test.label() != null && !train.label().equals(test.label())) {
            throw new IllegalArgumentException("the train source " + train + " names label " + train.label()
                    + " but the test source " + test + " names " + test.label() + "; give both the same label");
        }
        return data(d, train.label() != null ? train.label() : test.label());
    }

    /**
     * One source, shuffled with the run's {@link #seed}: its first {@code trainExamples} train, the rest test (an
     * IDX folder's {@code t10k-*} set is split).
     */
    public CompressionBuilder data(DataSource source, int trainExamples) {
        if (trainExamples < 1) {
            throw new IllegalArgumentException("the split of " + source + " needs at least one training example; "
                    + "got " + trainExamples);
        }
        JsonObject d = new JsonObject();
        d.addProperty("source", source.text());
        JsonObject split = new JsonObject();
        split.addProperty("train", trainExamples);
        d.add("split", split);
        return data(d, source.label());
    }

    /** An IDX folder holding both sets ({@code train-*} and {@code t10k-*} files). */
    public CompressionBuilder data(DataSource idxFolder) {
        if (!idxFolder.text().startsWith("idx:")) {
            throw new IllegalArgumentException(idxFolder + " alone holds no separate test set; give a test source "
                    + "(data(train, test)) or split it (data(source, trainExamples))");
        }
        JsonObject d = new JsonObject();
        d.addProperty("source", idxFolder.text());
        return data(d, null);
    }

    private CompressionBuilder data(JsonObject d, String sourceLabel) {
        this.data = d;
        this.label = sourceLabel;
        return this;
    }

    /** Multiply the features by {@code factor} (default 1/255 for IDX, else 1). */
    public CompressionBuilder scale(float factor) {
        this.scale = factor;
        return this;
    }

    /** Use only the first examples of each set (0: all). */
    public CompressionBuilder limits(int trainExamples, int testExamples) {
        this.trainLimit = trainExamples;
        this.testLimit = testExamples;
        return this;
    }

    /**
     * Hold {@code examples} training examples out (seeded) to choose the exported LC step on; 0: none, the step with
     * the lowest nested training loss is exported.
     */
    public CompressionBuilder validation(int examples) {
        if (examples < 0) {
            throw new IllegalArgumentException("validation holds out 0 or more training examples; got " + examples);
        }
        this.validation = examples;
        return this;
    }

    /**
     * Read a TFRecord train source as training goes, through a shuffle buffer, never all in memory (no validation
     * split, distillation or limits then).
     */
    public CompressionBuilder stream(int shuffleBuffer) {
        this.shuffleBuffer = shuffleBuffer;
        return this;
    }

    /** Compress the weights {@code selector} picks (an exact name, or {@code re:} and a regex matching whole names). */
    public CompressionBuilder task(String selector, CompressionSpec compression) {
        return task(List.of(selector), null, compression, ModelExporter.Form.DENSE);
    }

    /** Compress the weights {@code selector} picks, seen as {@code view}. */
    public CompressionBuilder task(String selector, View view, CompressionSpec compression) {
        return task(List.of(selector), view, compression, ModelExporter.Form.DENSE);
    }

    /**
     * Compress the weights the selectors pick, seen as {@code view} (null: chosen per weight), exported as
     * {@code form} (factored: a low-rank weight is computed as its two factors).
     */
    public CompressionBuilder task(List<String> selectors, View view, CompressionSpec compression,
                                   ModelExporter.Form form) {
        if (selectors.isEmpty()) {
            throw new IllegalArgumentException("a task needs at least one weight selector");
        }
        JsonObject task = new JsonObject();
        JsonArray weights = new JsonArray();
        selectors.forEach(weights::add);
        task.add("weights", weights);
        if (view != null) {
            task.addProperty("view", view.planName());
        }
        task.add("compression", compression.json());
        if (form == ModelExporter.Form.FACTORED) {
            task.addProperty("form", "factored");
        }
        tasks.add(task);
        return this;
    }

    /** μ's schedule; {@link MuSchedule#fromModel} keeps μ derived from the model over that many steps. */
    public CompressionBuilder schedule(MuSchedule mu) {
        this.schedule = mu;
        return this;
    }

    /** How each L-step trains (default: {@link Plan#defaultLStep}). */
    public CompressionBuilder lStep(LStep settings) {
        this.lStep = settings;
        return this;
    }

    /** What the L-step minimises (default {@link Loss#AUTO}). */
    public CompressionBuilder loss(Loss objective) {
        this.loss = Objects.requireNonNull(objective, "loss");
        return this;
    }

    /** Learn the reference's outputs softened by {@code temperature} ({@link Loss#DISTILL}). */
    public CompressionBuilder distill(double temperature) {
        this.loss = Loss.DISTILL;
        this.temperature = temperature;
        return this;
    }

    /** Seeds the split, the validation split and the minibatch order (default 0). */
    public CompressionBuilder seed(long value) {
        this.seed = value;
        return this;
    }

    /**
     * Share the L-step among {@code n} worker processes on this host (TF's distributed runtime on loopback; the
     * batch size stays the global batch). This JVM is worker 0 and starts the others; a TF server cannot stop, so
     * it lives until this JVM ends, and a worker's death ends the run (and, if the run hangs on it, this JVM).
     */
    public CompressionBuilder workers(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("workers must be ≥ 1 (got " + n + ")");
        }
        this.workers = n;
        return this;
    }

    /** Fold inference-mode BatchNorm into the layer before it first, so that the weights compressed are those that run. */
    public CompressionBuilder foldBatchNorm() {
        this.foldBatchNorm = true;
        return this;
    }

    /**
     * Prune units (neurons, filters) structurally before LC, choosing them on {@code images} unlabeled training
     * examples; LC then compresses the smaller model.
     */
    public CompressionBuilder pruneFirst(PruningMethod method, PruningSize size, int images) {
        JsonObject p = new JsonObject();
        p.addProperty("method", method.planName());
        if (size instanceof PruningSize.Units units) {
            p.addProperty("keep", units.share());
        } else {
            p.addProperty("flops_target", ((PruningSize.Flops) size).share());
        }
        p.addProperty("pruning_images", images);
        this.prune = p;
        return this;
    }

    /** The run's folder: reports, {@code model/} (the compressed SavedModel), checkpoint. */
    public CompressionBuilder output(Path folder) {
        this.output = folder.toAbsolutePath().normalize();
        return this;
    }

    /** Where the checkpoint is written after every LC step (default: {@code checkpoint/} in the run's folder). */
    public CompressionBuilder checkpoints(Path folder) {
        this.checkpoints = folder.toAbsolutePath().normalize();
        return this;
    }

    /** Continue from the checkpoint of an interrupted run of the same plan, if there is one. */
    public CompressionBuilder resume() {
        this.resume = true;
        return this;
    }

    /** Start over even though an earlier run wrote to the output folder (only a folder tf-lc made). */
    public CompressionBuilder force() {
        this.force = true;
        return this;
    }

    /** Whether the model's ops are checked before it runs (default: checked). */
    public CompressionBuilder trust(ModelTrust modelTrust) {
        this.trust = Objects.requireNonNull(modelTrust, "trust");
        return this;
    }

    /** Hears the run's progress and what it decides (default: nobody). */
    public CompressionBuilder listener(LcRun.Listener progress) {
        this.listener = Objects.requireNonNull(progress, "listener");
        return this;
    }

    /** Names the run in its reports (default: the model's folder name). */
    public CompressionBuilder title(String text) {
        this.title = text;
        return this;
    }

    /**
     * The plan as a plan file holds it (absolute paths); a new folder under {@code java.io.tmpdir} is chosen as the
     * run's folder if none was given.
     *
     * @throws IllegalStateException when no data or no task was given
     * @throws IOException when the default output folder cannot be made
     */
    public JsonObject json() throws IOException {
        if (data == null) {
            throw new IllegalStateException("no data: call data(train, test), data(source, trainExamples) or "
                    + "data(idxFolder) before building the plan of " + savedModel);
        }
        if (tasks.isEmpty()) {
            throw new IllegalStateException("no task: call task(selector, compression) at least once, e.g. "
                    + "task(\"re:.*/kernel\", Compressions.codebook(4))");
        }
        if (output == null) {
            output = Files.createTempDirectory("tf-lc-" + savedModel.getFileName() + "-");
        }
        JsonObject plan = new JsonObject();
        JsonObject m = new JsonObject();
        m.addProperty("savedmodel", savedModel.toString());
        if (signature != null) {
            m.addProperty("signature", signature);
        }
        if (inputScale != null) {
            m.addProperty("input_scale", inputScale);
        }
        plan.add("model", m);
        if (workers > 1) {
            plan.addProperty("workers", workers);
        }
        JsonObject d = data.deepCopy();
        if (d.has("split")) {
            d.getAsJsonObject("split").addProperty("seed", seed);
        }
        if (label != null) {
            d.addProperty("label", label);
        }
        if (scale != null) {
            d.addProperty("scale", scale);
        }
        if (trainLimit > 0) {
            d.addProperty("train_limit", trainLimit);
        }
        if (testLimit > 0) {
            d.addProperty("test_limit", testLimit);
        }
        if (shuffleBuffer != null) {
            d.addProperty("stream", true);
            d.addProperty("shuffle_buffer", shuffleBuffer);
        }
        // A streamed training set cannot hold examples out, so its default is no validation split.
        int held = validation != null ? validation : shuffleBuffer != null ? 0 : Plan.Data.AUTO_VALIDATION;
        if (held == Plan.Data.AUTO_VALIDATION) {
            d.addProperty("validation", "auto");
        } else if (held > 0) {
            d.addProperty("validation", held);
        }
        plan.add("data", d);
        JsonObject l = new JsonObject();
        l.addProperty("name", loss.planName());
        if (temperature != null) {
            l.addProperty("temperature", temperature);
        }
        plan.add("loss", l);
        if (prune != null) {
            plan.add("prune", prune.deepCopy());
        }
        plan.add("tasks", tasks.deepCopy());
        if (schedule != null) {
            JsonObject s = new JsonObject();
            if (!schedule.derived()) {
                s.addProperty("mu0", schedule.mu0());
                s.addProperty("growth", schedule.growth());
            }
            s.addProperty("steps", schedule.steps());
            plan.add("schedule", s);
        }
        if (lStep != null) {
            JsonObject s = new JsonObject();
            s.addProperty("epochs", lStep.epochs());
            s.addProperty("first_epochs", lStep.firstEpochs());
            s.addProperty("batch_size", lStep.batchSize());
            s.addProperty("optimizer", lStep.optimizer().planName());
            s.addProperty("momentum", lStep.momentum());
            s.addProperty("lr0", lStep.lr0());
            s.addProperty("lr_decay", lStep.lrDecay());
            plan.add("l_step", s);
        }
        plan.addProperty("seed", seed);
        plan.addProperty("output", output.toString());
        if (foldBatchNorm) {
            plan.addProperty("fold_batch_norm", true);
        }
        return plan;
    }

    /**
     * The plan this builder describes, as {@link PlanParser} makes it from {@link #json()}.
     *
     * @throws PlanException when a value is out of range (the message names it)
     * @throws IllegalStateException when no data or no task was given
     * @throws IOException when the default output folder cannot be made
     */
    public Plan plan() throws IOException {
        return PlanParser.parse(json(), Path.of("").toAbsolutePath());
    }

    /**
     * Runs LC as described and exports the compressed model to {@code model/} in the run's folder.
     *
     * @throws PlanException when a value is out of range, or a task's selector picks no trainable weight of the model
     *     (the message names the model's trainable weights)
     * @throws IllegalStateException when no data or no task was given
     * @throws java.nio.file.FileAlreadyExistsException when the run's folder holds an earlier run's results and
     *     neither {@link #resume()} nor {@link #force()} was asked for, or holds files tf-lc did not write
     * @throws IllegalArgumentException when the data and the plan do not combine (e.g. a split as large as the data)
     * @throws IOException when the model or the data cannot be read, does not fit the other, or the results cannot
     *     be written
     */
    public CompressionResult run() throws IOException {
        return PlanRunner.run(json(), title != null ? title : String.valueOf(savedModel.getFileName()),
                new PlanRunner.Options(resume, force, trust, checkpoints), listener);
    }
}
