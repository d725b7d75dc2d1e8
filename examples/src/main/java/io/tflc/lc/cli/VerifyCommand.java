package io.tflc.lc.cli;

import io.tflc.lc.data.Dataset;
import io.tflc.lc.data.Datasets;
import io.tflc.lc.verify.Verification;
import io.tflc.lc.objective.Objectives;
import io.tflc.lc.verify.Verifier;
import io.tflc.savedmodels.SavedModelReader;
import io.tflc.savedmodels.TrainableModel;
import io.tflc.savedmodels.safety.OpScan;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tf-lc verify}: a CI gate for compressed models. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Compare a compressed SavedModel with its original on labelled data: accuracy and agreement "
                + "(classifiers) or MAE (regression), size on disk, latency. Exit status 1 when a budget is broken.")
public final class VerifyCommand implements Callable<Integer> {

    @Option(names = "--original", required = true, description = "the original SavedModel")
    private Path original;

    @Option(names = "--compressed", required = true, description = "the compressed SavedModel")
    private Path compressed;

    @Mixin
    private DataOptions data;

    @Option(names = "--max-accuracy-drop", description = "budget in accuracy points (default: no budget)")
    private double maxDrop = Double.POSITIVE_INFINITY;

    @Option(names = "--min-agreement", description = "budget on the share of identical predictions, 0..1")
    private double minAgreement = 0;

    @Option(names = "--max-mae-increase", description = "regression: budget on the MAE's relative growth, e.g. "
            + "0.05 (default: no budget)")
    private double maxMaeIncrease = Double.POSITIVE_INFINITY;

    @Option(names = "--loss", description = "the objective the model was trained with: auto (default), "
            + "softmax_cross_entropy, sigmoid_cross_entropy, mse, mae")
    private String loss = Objectives.AUTO;

    @Option(names = "--batch-size", description = "batch size for inference and latency (default: ${DEFAULT-VALUE})")
    private int batchSize = 256;

    @Mixin
    private TrustOption trust;

    @Override
    public Integer call() throws Exception {
        OpScan.require(compressed, trust.trust()); // before the data is loaded: a refused model fails fast
        int[] exampleShape;
        Verifier.Kind kind;
        try (TrainableModel m = SavedModelReader.read(original, "serving_default", null, null, trust.trust())) {
            exampleShape = m.exampleShape();
            kind = Verifier.Kind.of(Objectives.resolve(loss, m, 1));
        }
        Dataset test = data.load(exampleShape).test();
        if (test == null) {
            throw new java.io.IOException(data.source() + " has no t10k-* IDX files to verify on");
        }
        Verification v = Verifier.compare(original, compressed, test, batchSize, trust.trust(), kind);
        System.out.println(v.summary());
        String broken = v.regression() ? v.violations(maxMaeIncrease) : v.violations(maxDrop, minAgreement);
        if (!broken.isEmpty()) {
            System.out.println("BUDGET BROKEN: " + broken);
            return 1;
        }
        System.out.println("within budget");
        return 0;
    }
}
