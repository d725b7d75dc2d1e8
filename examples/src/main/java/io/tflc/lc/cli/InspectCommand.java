package io.tflc.lc.cli;

import io.tflc.savedmodels.Flops;
import io.tflc.savedmodels.ModelWeight;
import io.tflc.savedmodels.Preflight;
import io.tflc.savedmodels.SavedModelReader;
import io.tflc.savedmodels.SavedModelSize;
import io.tflc.savedmodels.ServeGraph;
import io.tflc.savedmodels.safety.ModelTrust;
import io.tflc.savedmodels.safety.OpFinding;
import io.tflc.savedmodels.safety.OpScan;
import io.tflc.savedmodels.TrainableModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tf-lc inspect DIR}: what a SavedModel holds and whether tf-lc can train it. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show a SavedModel's signatures, the op scan (ops that reach outside the computation), its "
                + "weights (shapes, parameters, FLOPs per example) and the gradient pre-flight for the chosen "
                + "signature. A model the op scan refuses is not run.")
public final class InspectCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "SavedModel folder")
    private Path dir;

    @Option(names = "--signature", description = "signature to load (default: ${DEFAULT-VALUE})")
    private String signature = "serving_default";

    @Option(names = "--input", description = "input name, when the signature has several")
    private String input;

    @Option(names = "--output", description = "output name, when the signature has several")
    private String output;

    @Mixin
    private TrustOption trust;

    @Override
    public Integer call() throws Exception {
        System.out.println("SavedModel " + dir.toAbsolutePath().normalize());
        SavedModelSize size = SavedModelSize.of(dir);
        System.out.printf(Locale.ROOT, "bytes on disk: %,d (variables/ %,d, saved_model.pb %,d; gzipped %,d)%n",
                size.total(), size.variables(), size.graph(), size.gzipped());
        MetaGraphDef meta = ServeGraph.read(dir);
        for (Map.Entry<String, SignatureDef> e : meta.getSignatureDefMap().entrySet()) {
            if (!e.getKey().startsWith("__")) {
                System.out.println("  signature " + e.getKey() + ": " + tensors(e.getValue().getInputsMap())
                        + " → " + tensors(e.getValue().getOutputsMap()));
            }
        }
        List<OpFinding> findings = OpScan.scan(meta);
        if (findings.isEmpty()) {
            System.out.printf(Locale.ROOT, "op scan: %,d nodes in the graph and %,d in %d library functions, every "
                    + "op allowed%n", meta.getGraphDef().getNodeCount(), meta.getGraphDef().getLibrary()
                    .getFunctionList().stream().mapToInt(f -> f.getNodeDefCount()).sum(),
                    meta.getGraphDef().getLibrary().getFunctionCount());
        } else {
            System.out.println("op scan: REFUSED, " + findings.size() + " node(s) reach outside the computation:");
            findings.forEach(f -> System.out.println("  " + f));
            if (trust.trust() == ModelTrust.CHECK_OPS) {
                System.out.println("nothing of the model was run; pass --trust-model to load it anyway (only for a "
                        + "model you trust)");
                return 2;
            }
            System.out.println("--trust-model: loading it anyway, as asked");
        }
        try (TrainableModel model = SavedModelReader.read(dir, signature, input, output, trust.trust())) {
            System.out.printf(Locale.ROOT, "%ntrains output %s%s%s%n", model.outputName(),
                    model.declared().otherOutputs().isEmpty() ? ""
                            : "; also serves " + String.join(", ", model.declared().otherOutputs().keySet()),
                    model.declared().fixedBatch() > 0 ? "; takes batches of exactly " + model.declared().fixedBatch()
                            + " examples only (fed padded batches of that size; no ID pruning)" : "");
            System.out.printf(Locale.ROOT, "weights (signature %s, logits %s):%n", signature,
                    model.logits().op().name());
            System.out.printf(Locale.ROOT, "  %-28s %-16s %12s  %-22s %14s%n", "name", "shape", "parameters", "layer",
                    "FLOPs/example");
            long parameters = 0;
            long flops = 0;
            for (ModelWeight w : model.weights()) {
                long f = Flops.perExample(model, w);
                parameters += w.size();
                flops += f;
                System.out.printf(Locale.ROOT, "  %-28s %-16s %,12d  %-22s %,14d%s%n", w.name(), w.shape(), w.size(),
                        w.layer(), f, w.trainable() ? "" : "  not trainable: never compressed");
            }
            System.out.printf(Locale.ROOT, "  total: %,d parameters, %,d FLOPs per example%n", parameters, flops);
            List<Preflight.Problem> problems = Preflight.missingGradients(model);
            System.out.println(problems.isEmpty()
                    ? "pre-flight: every op between the weights and the logits has a gradient"
                    : "pre-flight: ops without a gradient: " + problems);
            return problems.isEmpty() ? 0 : 1;
        }
    }

    private static String tensors(Map<String, TensorInfo> tensors) {
        StringBuilder sb = new StringBuilder();
        tensors.forEach((name, info) -> {
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append(name).append(' ').append(info.getTensorShape().getDimList().stream()
                    .map(d -> Long.toString(d.getSize())).toList()).append(' ')
                    .append(info.getDtype().name().replace("DT_", "").toLowerCase(Locale.ROOT));
        });
        return sb.toString();
    }
}
