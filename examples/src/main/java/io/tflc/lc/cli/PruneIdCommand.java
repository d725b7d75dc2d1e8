package io.tflc.lc.cli;

import io.tflc.lc.data.Dataset;
import io.tflc.lc.data.Datasets;
import io.tflc.lc.prune.Alignment;
import io.tflc.lc.prune.LatencyTable;
import io.tflc.lc.prune.PruneReport;
import io.tflc.lc.prune.StructuredPruner;
import io.tflc.lc.verify.ServingLatency;
import io.tflc.savedmodels.BatchNormFolding;
import io.tflc.savedmodels.ModelExporter;
import io.tflc.savedmodels.OutputFolder;
import io.tflc.savedmodels.SavedModelReader;
import io.tflc.savedmodels.SavedModelSize;
import io.tflc.savedmodels.TrainableModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tf-lc prune-id}: structured pruning by interpolative decomposition, no fine-tuning. */
@Command(name = "prune-id", mixinStandardHelpOptions = true,
        description = "Remove neurons/channels by interpolative decomposition (or by weight magnitude, the baseline), "
                + "folding the correction into the next layer; no fine-tuning. Writes the smaller SavedModel.")
public final class PruneIdCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "SavedModel to prune")
    private Path model;

    @Mixin
    private DataOptions data;

    @Option(names = "--split-train", description = "use only the t10k set: this many (seeded) for pruning data, "
            + "the rest for evaluation")
    private int splitTrain;

    @Option(names = "--seed", description = "seed of the split and of the pruning sample (default: ${DEFAULT-VALUE})")
    private long seed = 1;

    @Option(names = "--pruning-images", description = "unlabeled images Z is computed on (default: ${DEFAULT-VALUE})")
    private int pruningImages = 2000;

    static final class Size {
        @Option(names = "--keep", description = "share of the units kept in every prunable layer, e.g. 0.5")
        Double keep;

        @Option(names = "--flops-target", description = "share of the original FLOPs to reach, e.g. 0.5")
        Double flopsTarget;

        @Option(names = "--latency-target", description = "share of the original's latency to reach, e.g. 0.5, "
                + "estimated from per-layer latency tables measured on this machine (batches of 256)")
        Double latencyTarget;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    private Size size;

    @Option(names = "--method", description = "id or magnitude (default: ${DEFAULT-VALUE})")
    private String method = "id";

    @Option(names = "--align", description = "keep unit/channel counts in multiples of this (1: any count); "
            + "default: measured on this machine, the smallest of 1, 2, 4, 8, 16 at which each step down in channels "
            + "of a convolution saves ≥ 10%% of its latency (16 on an AVX-512 CPU)")
    private Integer align;

    @Option(names = "--latency-repetitions", description = "measure the serving latency of both models side by side "
            + "this many times (medians, range; 0: skip) (default: ${DEFAULT-VALUE})")
    private int latencyRepetitions = 5;

    @Option(names = "--keep-batch-norm", description = "export BatchNorm as it is; by default inference-mode "
            + "BatchNorm after a Conv2D, depthwise or dense layer is folded into it (outputs checked within 1e-5), so "
            + "the pruned model runs no BatchNorm ops")
    private boolean keepBatchNorm;

    @Option(names = "--out", required = true, description = "SavedModel folder to write")
    private Path out;

    @Option(names = "--force", description = "replace a model tf-lc wrote earlier in the output folder")
    private boolean force;

    @Mixin
    private TrustOption trust;

    @Override
    public Integer call() throws Exception {
        StructuredPruner.Method m = switch (method) {
            case "id" -> StructuredPruner.Method.ID;
            case "magnitude" -> StructuredPruner.Method.MAGNITUDE;
            default -> throw new IllegalArgumentException("--method is '" + method + "'; methods: id, magnitude");
        };
        try (OutputFolder folder = OutputFolder.claim(out, io.tflc.lc.api.PlanRunner.inputs(model, data.paths()),
                "prune-id --model " + model)) {
            if (!folder.isEmpty() && !force) {
                throw new java.nio.file.FileAlreadyExistsException(out.toString(), null, "pass --force to replace it");
            }
            prune(m);
        }
        return 0;
    }

    /** Prunes the model and writes it into the claimed output folder. */
    private void prune(StructuredPruner.Method m) throws java.io.IOException {
        try (TrainableModel original = SavedModelReader.read(model, "serving_default", null, null, trust.trust())) {
            Datasets sets = data.load(original.exampleShape());
            Dataset pool;
            Dataset test;
            if (splitTrain > 0) {
                int[] order = sets.test().shuffledIndices(new SplittableRandom(seed));
                pool = sets.test().select(Arrays.copyOfRange(order, 0, splitTrain));
                test = sets.test().select(Arrays.copyOfRange(order, splitTrain, order.length));
            } else {
                pool = sets.train();
                test = sets.test();
            }
            int[] sample = Arrays.copyOf(pool.shuffledIndices(new SplittableRandom(seed + 1)),
                    Math.min(pruningImages, pool.size()));
            StructuredPruner pruner = new StructuredPruner(original, pool.select(sample));
            int alignment = alignment();
            Map<String, Integer> kept;
            if (size.keep != null) {
                kept = pruner.keep(size.keep, alignment);
            } else if (size.flopsTarget != null) {
                kept = pruner.flopsTarget(size.flopsTarget, alignment);
            } else {
                LatencyTable latency = LatencyTable.measure(pruner, original, pool.select(sample), alignment);
                System.out.print("latency with one layer pruned to each size, as a share of the original's:\n"
                        + latency.table());
                kept = pruner.latencyTarget(size.latencyTarget, alignment, latency);
                System.out.printf(java.util.Locale.ROOT, "estimated latency share: %.3f%n", latency.estimate(kept));
            }
            try (TrainableModel unfolded = pruner.prune(kept, m);
                 TrainableModel folded = keepBatchNorm ? null
                         : BatchNormFolding.foldOrKeep(unfolded, System.out::println)) {
                TrainableModel pruned = folded != null ? folded : unfolded;
                ModelExporter.write(pruned, out, force);
                PruneReport report = PruneReport.measure(method, kept, pruner.notPruned(), original, pruned, test,
                        SavedModelSize.of(model).total(), SavedModelSize.of(out).total());
                System.out.print(report.table());
                if (latencyRepetitions > 0) {
                    System.out.println(ServingLatency.measure(model, out, test, 256,
                            latencyRepetitions, trust.trust()).line());
                }
                System.out.println("pruned model: " + out);
            }
        }
    }

    /** --align, or this machine's measured alignment (printed with how it was chosen). */
    private int alignment() {
        Alignment.Chosen chosen = Alignment.resolve(align == null ? 0 : align, "--align");
        System.out.println(chosen.line());
        return chosen.alignment();
    }
}
