package io.tflc.lc.distributed;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tflc.lc.algorithm.LcRun;
import io.tflc.lc.algorithm.Row;
import io.tflc.lc.api.PlanRunner;
import io.tflc.lc.plan.PlanParser;
import io.tflc.savedmodels.safety.ModelTrust;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The entry point of a worker process. {@code follow SPEC}: a follower a leader started ({@link WorkerLauncher});
 * {@code lead PLAN WORKERS [--resume]}: worker 0 of a loopback run of a plan file, what {@code tf-lc compress --plan
 * PLAN --workers WORKERS} does, without the command line's module (tests start it). Both end the JVM: a TF server
 * keeps it alive otherwise.
 */
public final class WorkerMain {
    private WorkerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("follow")) {
            System.exit(follow(Path.of(args[1])));
        } else if (args.length >= 3 && args[0].equals("lead")) {
            System.exit(lead(Path.of(args[1]), Integer.parseInt(args[2]),
                    args.length > 3 && args[3].equals("--resume")));
        }
        System.err.println("usage: WorkerMain follow SPEC.json | lead PLAN.json WORKERS [--resume]");
        System.exit(2);
    }

    private static int follow(Path specFile) throws Exception {
        WorkerSpec spec = WorkerSpec.read(specFile);
        String name = "worker " + spec.index() + " (" + spec.cluster().get(spec.index()) + ")";
        Watchdog.followParent(name);
        JsonObject json = JsonParser.parseString(spec.plan()).getAsJsonObject();
        Path base = Path.of(spec.planBase());
        Distribution workers = new Distribution(new Cluster(spec.cluster()), spec.index(), false, spec.plan(), base);
        PlanRunner.Options options = new PlanRunner.Options(spec.resume(), false, ModelTrust.valueOf(spec.trust()),
                Path.of(spec.checkpoints()), workers);
        System.out.println(name + ": " + spec.title());
        follow(PlanParser.parse(json, base), spec.fingerprint(), options, printing(name));
        System.out.println(name + ": done");
        return 0;
    }

    /**
     * Runs this process's worker ({@code options.distribution()}) of a plan that another worker writes, watched by a
     * stall watchdog ({@code tflc.stallSeconds}).
     *
     * @throws java.io.IOException when the model or data cannot be read
     */
    public static void follow(io.tflc.lc.plan.Plan plan, String fingerprint, PlanRunner.Options options,
                              LcRun.Listener listener) throws java.io.IOException {
        Distribution workers = options.distribution();
        try (Watchdog dog = Watchdog.start("worker " + workers.index() + " ("
                + workers.cluster().workers().get(workers.index()) + ")")) {
            PlanRunner.follow(plan, fingerprint, options, dog.watching(listener));
        }
    }

    private static int lead(Path planFile, int n, boolean resume) throws Exception {
        JsonObject json = JsonParser.parseString(Files.readString(planFile)).getAsJsonObject();
        Path base = planFile.toAbsolutePath().getParent();
        PlanRunner.Options options = new PlanRunner.Options(resume, false, ModelTrust.CHECK_OPS)
                .on(Distribution.of(json, base, n, null, 0));
        io.tflc.lc.api.CompressionResult result;
        try {
            result = PlanRunner.run(PlanParser.parse(json, base), PlanParser.fingerprint(planFile),
                    planFile.getFileName().toString(), options, printing("worker 0"));
        } catch (IllegalStateException e) {
            System.err.println("tf-lc: " + e.getMessage());
            return 1;
        }
        System.out.println("final: " + result.report().exported().headlineText());
        return 0;
    }

    /** A listener that prints rows and notices, for a worker's log. */
    private static LcRun.Listener printing(String name) {
        return new LcRun.Listener() {
            @Override
            public void stepStarted(int step, int steps, double mu, int epochs, int batchesPerEpoch) {
                System.out.println(name + ": LC step " + step + "/" + steps + " μ=" + mu + ", " + epochs
                        + " epoch(s) of " + batchesPerEpoch + " updates");
            }

            @Override
            public void row(Row row) {
                System.out.println(name + ": " + row.stage() + " " + row.step() + ": " + row.headlineText());
            }

            @Override
            public void notice(String message) {
                System.out.println(name + ": " + message);
            }
        };
    }
}
