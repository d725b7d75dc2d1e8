package io.tflc.savedmodels.safety;

import io.tflc.savedmodels.ServeGraph;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.TensorFlow;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;

/**
 * Checks, before anything of a SavedModel runs (restore, init op, TF's own loader, any session), every node of its
 * serving meta graph and of every function in its library: an op must be on the allow-list
 * ({@code allowed-ops.txt}: computation, variables, control flow, calls), a checkpoint op must be the model's own
 * saver's ({@link SaverNodes}), and PrintV2 may print only to the console. Anything else is a finding; so is an op
 * the TF runtime does not know (a custom op library).
 *
 * <p>What this does not do: sandbox TF's kernels. An allowed op with a bug in its C++ kernel can still be
 * exploited by crafted inputs or weights; the scan keeps a model from doing by design what tf-lc would never ask
 * of it.
 */
public final class OpScan {
    private static final Logger LOG = LoggerFactory.getLogger(OpScan.class);
    private static final Set<String> ALLOWED = readAllowList();
    private static final Set<String> CONSOLE = Set.of("stderr", "stdout", "log(info)", "log(warning)", "log(error)");

    private OpScan() {
    }

    /**
     * The serving meta graph of {@code dir}, after its scan: with {@link ModelTrust#CHECK_OPS} any finding is an
     * {@link UnsafeModelException}; with {@link ModelTrust#TRUST_MODEL} findings are logged as a warning.
     */
    public static MetaGraphDef require(Path dir, ModelTrust trust) {
        MetaGraphDef meta = ServeGraph.read(dir);
        List<OpFinding> findings = scan(meta);
        if (!findings.isEmpty()) {
            if (trust == ModelTrust.CHECK_OPS) {
                throw new UnsafeModelException(dir, findings);
            }
            LOG.warn("--trust-model: running {} although it holds ops tf-lc does not allow:\n{}", dir,
                    findings.stream().map(f -> "  " + f).collect(Collectors.joining("\n")));
        }
        return meta;
    }

    /** Every node of the graph and of its library functions that the scan does not allow; empty when it passes. */
    public static List<OpFinding> scan(MetaGraphDef meta) {
        SaverNodes saver = SaverNodes.of(meta);
        Set<String> functions = new HashSet<>();
        meta.getGraphDef().getLibrary().getFunctionList().forEach(f -> functions.add(f.getSignature().getName()));
        List<OpFinding> findings = new ArrayList<>();
        for (NodeDef node : meta.getGraphDef().getNodeList()) {
            check(node, null, saver, functions, findings);
        }
        for (FunctionDef f : meta.getGraphDef().getLibrary().getFunctionList()) {
            for (NodeDef node : f.getNodeDefList()) {
                check(node, f.getSignature().getName(), saver, functions, findings);
            }
        }
        return findings;
    }

    private static void check(NodeDef node, String function, SaverNodes saver, Set<String> functions,
                              List<OpFinding> findings) {
        String reason = reason(node, function, saver, functions);
        if (reason != null) {
            findings.add(new OpFinding(node.getOp(), node.getName(), function, reason));
        }
    }

    private static String reason(NodeDef node, String function, SaverNodes saver, Set<String> functions) {
        String op = node.getOp();
        if (SaverNodes.FILE_OPS.containsKey(op)) {
            return saver.owns(function, node) ? null
                    : "reads or writes checkpoint files, and is not the saver that saver_def names working under "
                    + "its filename tensor";
        }
        if (op.equals("PrintV2")) {
            AttrValue stream = node.getAttrMap().get("output_stream");
            String target = stream == null ? "stderr" : stream.getS().toStringUtf8();
            return CONSOLE.contains(target) ? null : "prints to " + target;
        }
        if (ALLOWED.contains(op) || functions.contains(op)) {
            return null;
        }
        return Registry.OPS.contains(op)
                ? "not on tf-lc's allow-list of computation, variable and control-flow ops"
                : "unknown to this TensorFlow runtime (an op from a custom library)";
    }

    /** The ops TF's runtime has registered, asked once. */
    private static final class Registry {
        static final Set<String> OPS = TensorFlow.registeredOpList().getOpList().stream().map(OpDef::getName)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** The allow-list as shipped; package-private for its test. */
    static Set<String> allowed() {
        return ALLOWED;
    }

    private static Set<String> readAllowList() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Objects.requireNonNull(
                OpScan.class.getResourceAsStream("allowed-ops.txt")), StandardCharsets.UTF_8))) {
            return in.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .collect(Collectors.toUnmodifiableSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
