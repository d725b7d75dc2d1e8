package io.tflc.lc.api;

import io.tflc.lc.algorithm.LcRun;
import io.tflc.lc.plan.Plan;
import io.tflc.lc.plan.PlanParser;
import java.io.IOException;
import java.nio.file.Path;

/**
 * tf-lc's entry point from Java:
 * <pre>{@code
 * CompressionResult r = Lc.compress(Path.of("models/cnn"))
 *     .data(DataSource.idx(Path.of("data/mnist")), 8000)
 *     .task("re:conv.*kernel", View.CONV_FILTERS, Compressions.codebook(4))
 *     .task("re:dense.*kernel", Compressions.prune(0.05).plus(Compressions.codebook(2)))
 *     .run();
 * r.exportTo(Path.of("serving/cnn-lc"));
 * }</pre>
 */
public final class Lc {
    private Lc() {
    }

    /** Starts describing an LC run on the SavedModel in {@code savedModel}. */
    public static CompressionBuilder compress(Path savedModel) {
        return new CompressionBuilder(savedModel);
    }

    /**
     * Runs a plan file (JSON) as {@code tf-lc compress --plan} does: a new run, into the plan's output folder.
     *
     * @throws io.tflc.lc.plan.PlanException when the plan is not valid (the message names the key at fault), or a
     *     task's selector picks no trainable weight (the message names the model's trainable weights)
     * @throws java.nio.file.FileAlreadyExistsException when an earlier run wrote to the plan's output folder
     * @throws IOException when the plan, the model or the data cannot be read, or the results cannot be written
     */
    public static CompressionResult run(Path planFile, LcRun.Listener listener) throws IOException {
        Plan plan = PlanParser.parse(planFile);
        return PlanRunner.run(plan, PlanParser.fingerprint(planFile), String.valueOf(planFile.getFileName()),
                PlanRunner.Options.NEW, listener);
    }
}
