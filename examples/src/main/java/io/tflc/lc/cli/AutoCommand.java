package io.tflc.lc.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.tflc.lc.api.PlanRunner;
import io.tflc.lc.auto.Allocation;
import io.tflc.lc.auto.Choice;
import io.tflc.lc.auto.Goal;
import io.tflc.lc.data.BatchSource;
import io.tflc.lc.evaluation.Evaluator;
import io.tflc.lc.plan.TaskShorthand;
import io.tflc.lc.report.RunSummary;
import io.tflc.lc.sensitivity.SensitivityReport;
import io.tflc.savedmodels.Folders;
import io.tflc.savedmodels.OutputFolder;
import io.tflc.savedmodels.SavedModelReader;
import io.tflc.savedmodels.TrainableModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code tf-lc auto}: accuracy-aware automatic compression. It measures each weight's sensitivity on a validation
 * split carved from the training data, chooses per weight the compression that makes the goal smallest within the
 * budget ({@link Allocation}), runs LC with μ derived from the model, and checks the exported model on the
 * validation split; while the budget is broken it makes the least robust weight's compression milder and runs
 * again. The output folder is a normal run folder (plan.json, report.*, model/) of the round that met the budget,
 * with {@code auto.md}/{@code auto.json} (every round), {@code sensitivity/} and {@code rounds/N/}.
 */
@Command(name = "auto", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Accuracy-aware automatic compression: per-layer sensitivity, a knapsack over it for the "
                + "smallest model within the budget, LC with μ from the model, the budget checked on a validation "
                + "split carved from the training data, and milder compressions for the least robust layers "
                + "until it holds. Exit status 0 when the budget holds, 1 when no round met it (the closest is "
                + "exported).", "",
                "Example: tf-lc auto --model ../shared/savedmodels/keras-mnist-cnn --data idx:../shared/data/mnist "
                        + "--split-train 8000 --scale 1 --max-drop 1.0 --out runs/cnn-auto", ""})
public final class AutoCommand implements Callable<Integer> {
    /**
     * The knapsack spends this many times the budget of summed direct-compression damage: LC retrains the model
     * around Θ and recovers most of what direct compression loses (LeNet300 with k = 2: 27.7 points at DC, 0.4
     * after LC), so a choice made against the bare budget would stay far milder than needed. Where LC recovers
     * less, the validation check catches it and the rounds relax.
     */
    static final double RECOVERY = 10;

    /** What the command writes into its output folder; --force deletes these and nothing else. */
    private static final List<String> FILES = List.of("sensitivity", "rounds", "auto.json", "auto.md", "plan.json",
            "report.json", "report.md", "report.png", "model");

    @Option(names = "--model", required = true, description = "the SavedModel folder")
    private Path model;

    @Mixin
    private TrainingDataOptions data;

    @Option(names = "--max-drop", required = true, description = "the accuracy budget: the most the headline "
            + "measure may get worse on the validation split, in points of error (1.0 = one percentage point), or "
            + "in MAE units for regression")
    private double maxDrop;

    @Option(names = "--goal", converter = GoalConverter.class, description = "size (default: stored bits, bytes on "
            + "disk) or flops (low rank, exported factored; then size)")
    private Goal goal = Goal.SIZE;

    /** {@code size} or {@code flops}, as the help writes them. */
    static final class GoalConverter implements picocli.CommandLine.ITypeConverter<Goal> {
        @Override
        public Goal convert(String value) {
            try {
                return Goal.valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a goal: size or flops");
            }
        }
    }

    @Option(names = "--steps", description = "LC steps per round (default: ${DEFAULT-VALUE})")
    private int steps = 30;

    @Option(names = "--max-rounds", description = "LC runs at most, each after relaxing one layer (default: "
            + "${DEFAULT-VALUE})")
    private int maxRounds = 4;

    @Option(names = "--out", required = true, description = "the output folder")
    private Path out;

    @Option(names = "--resume", description = "continue an interrupted auto run: finished rounds are read back, an "
            + "interrupted one continues from its checkpoint")
    private boolean resume;

    @Option(names = "--force", description = "start over, deleting an earlier auto run's results in the output "
            + "folder (only in a folder tf-lc made)")
    private boolean force;

    @Mixin
    private TrustOption trust;

    /** One LC run of the rounds and what the validation split said of its export. */
    record Round(int number, Allocation allocation, Path folder, RunSummary summary, double validationHeadline,
                 double drop, double seconds) {
    }

    @Override
    public Integer call() throws Exception {
        if (!(maxDrop >= 0) || steps < 1 || maxRounds < 1) {
            throw new IllegalArgumentException("--max-drop must be ≥ 0, --steps and --max-rounds ≥ 1 (got "
                    + maxDrop + ", " + steps + ", " + maxRounds + ")");
        }
        try (OutputFolder folder = OutputFolder.claim(out, PlanRunner.inputs(model, data.paths()),
                "auto --model " + model)) {
            if (!folder.isEmpty() && !resume && !force) {
                throw new FileAlreadyExistsException(out.toString(), null, "an earlier run wrote here; pass "
                        + "--resume to continue it, --force to start over, or choose another output");
            }
            if (force) {
                folder.delete(FILES);
            }
            return run(folder.path());
        }
    }

    private int run(Path folder) throws IOException {
        if (data.testData == null && data.splitTrain == 0 && !data.source().startsWith("idx:")) {
            throw new IllegalArgumentException(data.source() + " is one source with no test set: give --split-train N "
                    + "(train on N examples, test on the rest) or --test-data KIND:PATH; the result is reported on "
                    + "the test set, the choices are made on a validation split of the training data");
        }
        SensitivityReport report;
        ValidationData validation;
        double baseline;
        try (TrainableModel m = SavedModelReader.read(model, "serving_default", null, null, trust.trust())) {
            validation = ValidationData.of(m, data);
            report = SensitivityCommand.measure(m, model, validation, folder.resolve("sensitivity"));
            baseline = baseline(m, validation, report);
        }
        double budget = report.rate() ? maxDrop / 100 : maxDrop;
        Allocation allocation = Allocation.choose(report, RECOVERY * budget, goal);
        System.out.printf(Locale.ROOT, "budget: each round's export, measured on the validation split (which LC never "
                + "trains on), at most %s worse than the reference on the test set (%s; on the validation split, "
                + "data it may have been trained on, %s); the knapsack spends up to %s of direct-compression damage "
                + "(×%.0f: LC recovers most of it)%n", amount(report, budget), value(report, baseline),
                value(report, report.headline(report.reference())), amount(report, RECOVERY * budget), RECOVERY);
        List<Round> rounds = new ArrayList<>();
        Round accepted = null;
        for (int number = 1; number <= maxRounds; number++) {
            System.out.println("round " + number + ": " + describe(allocation, report));
            Round round = round(number, allocation, folder, validation, report, baseline);
            rounds.add(round);
            System.out.printf(Locale.ROOT, "round %d: validation %s%s (reference %s), %s by %s: %s the budget of %s; "
                    + "%.0f s%n", number, value(report, round.validationHeadline()),
                    standardError(report, round.validationHeadline(), validation.measured().size()),
                    value(report, baseline), round.drop() >= 0 ? "worse" : "better",
                    amount(report, Math.abs(round.drop())), within(round, budget) ? "within" : "over",
                    amount(report, budget), round.seconds());
            if (within(round, budget)) {
                accepted = round;
                break;
            }
            var relaxed = allocation.relaxed(report, goal);
            if (relaxed.isEmpty()) {
                break;
            }
            allocation = relaxed.get();
        }
        Round result = accepted != null ? accepted
                : rounds.stream().min(java.util.Comparator.comparingDouble(Round::drop)).orElseThrow();
        publish(result, folder);
        AutoFiles.write(folder, model, report, baseline, budget, maxDrop, goal, rounds, result, accepted != null);
        System.out.printf(Locale.ROOT, "auto: round %d exported to %s: %s (reference: %s), %.1f× smaller on "
                + "disk; %s%n", result.number(), folder.resolve("model"),
                result.summary().report().exported().headlineText(),
                result.summary().report().reference().headlineText(),
                result.summary().sizes().compressed().ratio(result.summary().sizes().original()),
                folder.resolve("auto.md"));
        if (accepted == null) {
            System.err.printf(Locale.ROOT, "tf-lc: no round met the budget of %s on the validation split (the "
                    + "closest, round %d, is worse by %s); allow more rounds (--max-rounds), a larger --max-drop, "
                    + "or more LC steps%n", amount(report, budget), result.number(), amount(report, result.drop()));
            return 1;
        }
        return 0;
    }

    /** Whether a round kept the budget; a drop equal to it, up to floating-point rounding, keeps it. */
    private static boolean within(Round round, double budget) {
        return round.drop() <= budget + 1e-9;
    }

    /** Runs (or with --resume continues) one round's LC run in rounds/N and measures its export. */
    private Round round(int number, Allocation allocation, Path folder, ValidationData validation,
                        SensitivityReport report, double baseline) throws IOException {
        Path roundFolder = folder.resolve("rounds").resolve(String.valueOf(number));
        JsonObject json = plan(allocation, roundFolder, validation.split().validation().size());
        long start = System.nanoTime();
        Files.createDirectories(roundFolder.getParent());
        RunSummary summary = PlanRunner.run(json, model.getFileName() + " auto round " + number,
                new PlanRunner.Options(resume, false, trust.trust()), new ProgressListener(System.out)).summary();
        double headline;
        // The export as a user loads it, measured on the same split the sensitivity was.
        try (TrainableModel exported = SavedModelReader.read(roundFolder.resolve("model"), "serving_default", null,
                null, trust.trust())) {
            headline = headline(exported, validation.measured(), validation, report);
        }
        return new Round(number, allocation, roundFolder, summary, headline,
                headline - baseline, (System.nanoTime() - start) / 1e9);
    }

    /**
     * What a round's export is held against: the reference's headline measure on the test set. Its figure on the
     * validation split would be biased: the split is carved from the training data, which is usually what the
     * reference was trained on (LeNet5 on Fashion-MNIST: 2.52% there, 8.79% on the test set), while each round's
     * export never trains on it. The test set enters once, as a property of the given model, before anything is
     * chosen; no candidate is measured on it until the end. Without labels that fit (distillation on generated
     * inputs) the validation figure stands.
     */
    private double baseline(TrainableModel reference, ValidationData validation, SensitivityReport report)
            throws IOException {
        io.tflc.lc.data.Dataset test = data.test(reference.exampleShape());
        if (test == null || validation.measured() != validation.split().validation()
                || !validation.objective().fits(test, validation.objective().outputs(reference))) {
            return report.headline(report.reference());
        }
        return headline(reference, test, validation, report);
    }

    /** {@code model}'s headline measure (the sensitivity report's: error, MAE or loss) on {@code data}. */
    private static double headline(TrainableModel model, io.tflc.lc.data.Dataset data, ValidationData validation,
                                   SensitivityReport report) {
        try (BatchSource batches = data.batchesFor(model, 500)) {
            Evaluator.Evaluation e = new Evaluator(model, validation.objective()).evaluate(batches);
            return report.headline(new io.tflc.lc.sensitivity.Measured(e.loss(), e.metrics()));
        }
    }

    /** The plan of one round: the one-line compress's, one task per compressed weight, μ from the model. */
    private JsonObject plan(Allocation allocation, Path output, int validationSize) {
        JsonObject plan = new JsonObject();
        JsonObject m = new JsonObject();
        m.addProperty("savedmodel", model.toAbsolutePath().toString());
        plan.add("model", m);
        plan.add("data", data.planData(validationSize));
        JsonObject loss = new JsonObject();
        loss.addProperty("name", data.loss);
        plan.add("loss", loss);
        JsonArray tasks = new JsonArray();
        for (Choice c : allocation.choices()) {
            if (c.compressed()) {
                JsonObject task = TaskShorthand.parse(c.weight().weight() + "=" + c.spec());
                if (goal == Goal.FLOPS && c.trial().entry().compression() instanceof
                        io.tflc.compressors.lowrank.FixedRank) {
                    task.addProperty("form", "factored");
                }
                tasks.add(task);
            }
        }
        if (tasks.isEmpty()) {
            throw new IllegalStateException("no weight can be compressed within the budget (every rung of every "
                    + "weight's ladder costs more than it on its own): raise --max-drop");
        }
        plan.add("tasks", tasks);
        JsonObject schedule = new JsonObject();
        schedule.addProperty("steps", steps);
        plan.add("schedule", schedule);
        plan.addProperty("seed", data.seed);
        plan.addProperty("output", output.toAbsolutePath().toString());
        return plan;
    }

    /** Copies the chosen round's results to the top of the output folder, each under a temporary name first. */
    private static void publish(Round round, Path folder) throws IOException {
        for (String name : List.of("plan.json", "report.json", "report.md", "report.png", "model")) {
            Path from = round.folder().resolve(name);
            if (!Files.exists(from)) {
                continue;
            }
            Path temporary = folder.resolve("." + name + ".tmp");
            Folders.deleteRecursively(temporary);
            Folders.copyRecursively(from, temporary, OutputFolder.MARKER);
            Folders.deleteRecursively(folder.resolve(name));
            Files.move(temporary, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** "conv2d/kernel codebook:2, dense/kernel prune:0.05, …". */
    static String describe(Allocation allocation, SensitivityReport report) {
        return allocation.choices().stream().map(c -> c.weight().weight() + " " + c.spec())
                .collect(Collectors.joining(", ")) + String.format(Locale.ROOT, " (%.1f× in bits of the "
                + "compressible weights; DC damage predicted %s)", (double) allocation.choices().stream()
                .mapToLong(c -> c.weight().referenceBits()).sum() / allocation.bits(),
                amount(report, allocation.predictedChange(report)));
    }

    static String amount(SensitivityReport report, double change) {
        return report.rate() ? String.format(Locale.ROOT, "%.2f points", 100 * change)
                : String.format(Locale.ROOT, "%.4g %s", change, report.measure());
    }

    /**
     * For an error rate measured on {@code examples} examples, its standard error √(p(1 − p)/n) as the round line
     * shows it (nothing for other measures): how far the validation figure may sit from the same model's error on other
     * data. At 3% on 1,600 examples it is 0.43 points, near half a 1-point budget: on the Keras MLP a round measured
     * 2.94% on the validation split and 3.20% on the test split.
     */
    static String standardError(SensitivityReport report, double rate, int examples) {
        if (!report.rate() || examples == 0) {
            return "";
        }
        return String.format(Locale.ROOT, " ± %.2f (one standard error on %,d examples)",
                100 * Math.sqrt(rate * (1 - rate) / examples), examples);
    }

    static String value(SensitivityReport report, double value) {
        return report.rate() ? String.format(Locale.ROOT, "%s %.2f%%", report.measure(), 100 * value)
                : String.format(Locale.ROOT, "%s %.4g", report.measure(), value);
    }
}
