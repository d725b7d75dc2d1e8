package io.tflc.examples.experiments;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import io.tflc.examples.TrainReferenceCommand;
import io.tflc.lc.algorithm.LStepSettings;
import io.tflc.lc.algorithm.MuSchedule;
import io.tflc.lc.api.PlanRunner;
import io.tflc.lc.report.ReportWriter;
import io.tflc.lc.report.RunSummary;
import io.tflc.lc.cli.ProgressListener;
import io.tflc.lc.plan.Plan;
import io.tflc.lc.plan.PlanParser;
import io.tflc.savedmodels.OutputFolder;
import io.tflc.savedmodels.safety.ModelTrust;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs every scheme of {@code examples/experiments/<model>.json} on that model's reference (trained first when
 * missing) and writes {@code <results>/<model>/table.md}, {@code table.json} and {@code chart.png}, updated after
 * each scheme. Each scheme is an ordinary LC run in {@code runs/experiments/<model>/<scheme>/} (its plan file,
 * reports, TensorBoard log, checkpoint and exported model), so an interrupted experiment continues where it
 * stopped when the command is run again, and finished schemes are only re-exported. With {@code --scheme}, only
 * those run; the table still lists the others that finished under the current definition (from their
 * {@code report.json}).
 */
@Command(name = "experiments", mixinStandardHelpOptions = true,
        description = "Run the LC schemes of examples/experiments/<model>.json and write results/<model>/table.md, "
                + "table.json and chart.png. Re-running continues an interrupted experiment.")
public final class ExperimentsCommand implements Callable<Integer> {

    @Option(names = "--quick", description = "the short version: few steps on the first examples (minutes); "
            + "writes to runs/quick/ instead of results/")
    private boolean quick;

    @Option(names = "--model", split = ",", description = "models to run (default: every examples/experiments/*.json)")
    private List<String> models;

    @Option(names = "--scheme", split = ",", description = "run only these schemes (their names in the definition); "
            + "the table keeps the others that finished")
    private List<String> only;

    @Option(names = "--results", description = "folder of the tables (default: results, or runs/quick/results with "
            + "--quick)")
    private Path results;

    @Option(names = "--force", description = "start every selected scheme over instead of continuing it")
    private boolean force;

    @Override
    public Integer call() throws IOException {
        Path home = Path.of(System.getProperty("tflc.home", "."));
        Path definitions = home.resolve("examples/experiments");
        Path runs = home.resolve(quick ? "runs/quick" : "runs");
        Path tables = results != null ? results : quick ? runs.resolve("results") : home.resolve("results");
        for (String model : models != null ? models : available(definitions)) {
            Path file = definitions.resolve(model + ".json");
            if (!Files.exists(file)) {
                throw new IOException("no experiment definition " + file + "; available: " + available(definitions));
            }
            run(ExperimentDefinition.read(file), runs, tables.resolve(model));
        }
        return 0;
    }

    private void run(ExperimentDefinition definition, Path runs, Path tableFolder) throws IOException {
        List<ExperimentDefinition.Scheme> selected = definition.schemes().stream()
                .filter(s -> only == null || only.contains(s.name())).toList();
        if (selected.isEmpty()) {
            throw new IOException("no scheme of " + definition.model() + " is named " + only + "; schemes: "
                    + definition.schemes().stream().map(ExperimentDefinition.Scheme::name).toList());
        }
        Path reference = runs.resolve("reference-" + definition.model());
        trainReferenceIfMissing(definition, reference);
        // Schedule, L-step, data and seed are the definition's, the same for every scheme.
        String setup = setup(definition, PlanParser.parse(
                definition.plan(definition.schemes().get(0), reference, runs, quick), runs));
        List<SchemeResult> done = new ArrayList<>();
        int started = 0;
        for (ExperimentDefinition.Scheme scheme : definition.schemes()) {
            Path output = runs.resolve("experiments").resolve(definition.model()).resolve(scheme.name());
            String planContent = planContent(definition.plan(scheme, reference, output, quick));
            RunSummary summary;
            if (selected.contains(scheme)) {
                System.out.printf(Locale.ROOT, "%n[%d/%d] %s · %s → %s%n", ++started, selected.size(),
                        definition.model(), scheme.label(), output);
                summary = run(definition, scheme, output, planContent);
            } else {
                // Not asked for: in the table if it finished with the plan the definition gives it now.
                summary = samePlan(output, planContent) ? ReportWriter.read(output) : null;
            }
            if (summary != null) {
                done.add(SchemeResult.of(scheme, summary));
                new ResultsTable(definition.title(), command(definition.model()), LocalDate.now().toString(), setup,
                        done).write(tableFolder);
            }
        }
        System.out.println("\ntables: " + tableFolder.normalize().resolve("table.md"));
    }

    private RunSummary run(ExperimentDefinition definition, ExperimentDefinition.Scheme scheme, Path output,
                           String planContent) throws IOException {
        String title = definition.model() + ": " + scheme.label();
        // The folder is claimed (apart from the model and data, one run at a time) before the plan is written in it.
        Plan plan = PlanParser.parse(com.google.gson.JsonParser.parseString(planContent), output);
        try (OutputFolder folder = OutputFolder.claim(output, PlanRunner.inputs(plan), "experiments: " + title)) {
            Path planFile = writePlan(planContent, output);
            long start = System.nanoTime();
            RunSummary summary = PlanRunner.run(PlanParser.parse(planFile), folder, PlanParser.fingerprint(planFile),
                    title, new PlanRunner.Options(!force, force, ModelTrust.CHECK_OPS),
                    new ProgressListener(System.out)).summary();
            report(scheme, summary, start);
            return summary;
        }
    }

    private static void report(ExperimentDefinition.Scheme scheme, RunSummary summary, long start) {
        var report = summary.report();
        System.out.printf(Locale.ROOT, "%s: reference %.2f%% · DC %.2f%% · LC %.2f%% · %.1f× (bits) · %.0f s%n",
                scheme.label(), 100 * report.reference().testError(), 100 * report.directCompression().testError(),
                100 * report.exported().testError(), report.exported().compressionRatio(),
                (System.nanoTime() - start) / 1e9);
    }

    private static boolean samePlan(Path output, String planContent) throws IOException {
        Path file = output.resolve("plan.json");
        return Files.exists(file) && Files.readString(file).equals(planContent);
    }

    private void trainReferenceIfMissing(ExperimentDefinition definition, Path reference) throws IOException {
        if (Files.exists(reference.resolve("saved_model.pb"))) {
            return;
        }
        int epochs = referenceEpochs(definition);
        System.out.printf(Locale.ROOT, "training the %s reference, %d epochs (once; reused later) → %s%n",
                definition.model(), epochs, reference.normalize());
        int status = new CommandLine(new TrainReferenceCommand()).execute("--model", definition.model(),
                "--epochs", Integer.toString(epochs), "--out", reference.toString(), "--force");
        if (status != 0) {
            throw new IOException("training the " + definition.model() + " reference failed (status " + status + ")");
        }
    }

    /**
     * Writes the scheme's plan into its output folder. A plan that differs from the one an earlier run of this
     * scheme used would make that run's checkpoint useless, so it is refused unless {@code --force}.
     */
    private Path writePlan(String content, Path output) throws IOException {
        Path file = output.resolve("plan.json");
        if (!force && Files.exists(output.resolve("checkpoint")) && !samePlan(output, content)) {
            throw new IOException("the experiment definition changed since " + output + " was run (see its plan.json);"
                    + " pass --force to run the scheme again from the start");
        }
        ReportWriter.atomically(file, content.getBytes(StandardCharsets.UTF_8));
        return file;
    }

    private static String planContent(JsonObject plan) {
        return new GsonBuilder().setPrettyPrinting().create().toJson(plan) + "\n";
    }

    private String command(String model) {
        return "bin/tf-lc experiments" + (quick ? " --quick" : "") + " --model " + model
                + (only == null ? "" : " --scheme " + String.join(",", only));
    }

    private String setup(ExperimentDefinition definition, Plan plan) {
        MuSchedule mu = plan.schedule();
        LStepSettings l = plan.lStep();
        String data = plan.data().trainLimit() > 0
                ? String.format(Locale.ROOT, "the first %,d training and %s test images", plan.data().trainLimit(),
                plan.data().testLimit() > 0 ? String.format(Locale.ROOT, "%,d", plan.data().testLimit()) : "all 10,000")
                : "the full training (60,000) and test (10,000) sets";
        return String.format(Locale.ROOT, "Fashion-MNIST, %s; reference trained %d epochs. LC: %d steps, μ = %.3g·%.3g^j; L-step %d epoch(s) per "
                        + "step (%d at the first), %s, batch %d, learning rate %.3g·%.3g^j; seed %d.", data,
                referenceEpochs(definition), mu.steps(), mu.mu0(), mu.growth(), l.epochs(), l.firstEpochs(),
                l.optimizer().kind(), l.batchSize(), l.lr0(), l.lrDecay(), plan.seed());
    }

    private int referenceEpochs(ExperimentDefinition definition) {
        return quick ? definition.quick().referenceEpochs() : definition.referenceEpochs();
    }

    private static List<String> available(Path definitions) throws IOException {
        if (!Files.isDirectory(definitions)) {
            throw new IOException("no experiment definitions in " + definitions + " (run bin/tf-lc from the checkout)");
        }
        try (Stream<Path> files = Files.list(definitions)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - ".json".length())).sorted().toList();
        }
    }
}
