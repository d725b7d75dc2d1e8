package io.tflc.savedmodels;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import java.util.stream.Stream;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.FunctionDefLibrary;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SaverDef;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TString;

/**
 * Writes a graph as a TF1-style SavedModel that plain TF Java (or TF Serving) loads: the graph pruned to what the
 * served output, the saver and the init op need, the variables' checkpoint written by the session, one signature
 * with the input and output, and optionally the init op the loader runs after restoring (see {@link ModelExporter},
 * which builds the graphs it writes).
 *
 * <p>The folder is written next to the target under a temporary name and moved into place, so a failure leaves
 * no half-written model. It holds tf-lc's marker ({@link OutputFolder#MARKER}); an existing target is replaced only
 * when {@code force} is set and tf-lc made it.
 */
public final class SavedModelWriter {
    public static final String SERVE = "serve";
    public static final String DEFAULT_SIGNATURE = "serving_default";
    /** The signature whose output names the op the SavedModel loader runs after restoring the variables. */
    public static final String INIT_SIGNATURE = "__saved_model_init_op";

    private SavedModelWriter() {
    }

    /**
     * Writes the graph of {@code session} as a SavedModel: a checkpoint of {@code variables} (a saver over them is
     * added unless the graph has one), the graph pruned to what the outputs, the saver and the init op need, the
     * signature {@code serving_default} (input → outputs under the given names) and, when {@code initOp} is not
     * null, the {@code __saved_model_init_op} signature the loader runs after restoring the variables.
     */
    public static void write(Session session, List<SavedVariable> variables, String inputName, Output<?> input,
                             Map<String, Output<?>> outputs, String initOp, Path target, boolean force)
            throws IOException {
        write(session, variables, inputName, input, outputs, initOp, null, target, force);
    }

    /**
     * {@link #write}, listing {@code trainable} (variable names) in the graph's {@code trainable_variables}
     * collection, so that a reader tells them from statistics as it does for a TF1 graph ({@link Trainability});
     * null writes no collection.
     */
    public static void write(Session session, List<SavedVariable> variables, String inputName, Output<?> input,
                             Map<String, Output<?>> outputs, String initOp, Collection<String> trainable, Path target,
                             boolean force) throws IOException {
        Path absolute = target.toAbsolutePath();
        requireReplaceable(absolute, force);
        Files.createDirectories(absolute.getParent());
        Graph graph = session.graph();
        ResourceSaver.ensure(graph, variables);
        // Not createTempDirectory: its owner-only mode would make the served model unreadable to other users.
        Path staging = Files.createDirectory(absolute.resolveSibling("." + absolute.getFileName() + ".tmp-"
                + java.util.UUID.randomUUID()));
        try {
            Path variablesDir = Files.createDirectories(staging.resolve("variables"));
            try (TString prefix = TString.scalarOf(variablesDir.resolve("variables").toString())) {
                session.runner().feed(ResourceSaver.FILENAME, prefix).addTarget(ResourceSaver.SAVE).run().close();
            }
            SignatureDef.Builder signature = SignatureDef.newBuilder()
                    .putInputs(inputName, info(input))
                    .setMethodName("tensorflow/serving/predict");
            List<String> roots = new ArrayList<>(List.of(ResourceSaver.SAVE, ResourceSaver.RESTORE));
            outputs.forEach((name, output) -> {
                signature.putOutputs(name, info(output));
                roots.add(output.op().name());
            });
            MetaGraphDef.Builder meta = MetaGraphDef.newBuilder()
                    .setMetaInfoDef(MetaGraphDef.MetaInfoDef.newBuilder().addTags(SERVE))
                    .setSaverDef(SaverDef.newBuilder()
                            .setFilenameTensorName(ResourceSaver.FILENAME + ":0")
                            .setSaveTensorName(ResourceSaver.SAVE + ":0")
                            .setRestoreOpName(ResourceSaver.RESTORE)
                            .setVersion(SaverDef.CheckpointFormatVersion.V2))
                    .putSignatureDef(DEFAULT_SIGNATURE, signature.build());
            if (trainable != null) {
                meta.putCollectionDef("trainable_variables", trainableCollection(trainable));
            }
            if (initOp != null) {
                roots.add(initOp);
                meta.putSignatureDef(INIT_SIGNATURE, SignatureDef.newBuilder()
                        .putOutputs(INIT_SIGNATURE, TensorInfo.newBuilder().setName(initOp).build()).build());
            }
            meta.setGraphDef(prune(graph.toGraphDef(), roots.toArray(String[]::new)));
            try (OutputStream out = Files.newOutputStream(staging.resolve("saved_model.pb"))) {
                SavedModel.newBuilder().setSavedModelSchemaVersion(1).addMetaGraphs(meta).build().writeTo(out);
            }
            Files.createFile(staging.resolve(OutputFolder.MARKER));
            if (Files.exists(absolute)) {
                replaceContents(absolute, staging);
            } else {
                Files.move(staging, absolute, StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            if (Files.exists(staging)) {
                Folders.deleteRecursively(staging);
            }
        }
    }

    /**
     * A target folder may be written if it does not exist, holds nothing (but perhaps tf-lc's marker), or holds what
     * tf-lc wrote before and {@code force} is set: tf-lc never replaces a folder it did not make.
     */
    private static void requireReplaceable(Path target, boolean force) throws IOException {
        if (!Files.exists(target)) {
            return;
        }
        boolean empty;
        try (Stream<Path> entries = Files.list(target)) {
            empty = entries.allMatch(p -> p.getFileName().toString().equals(OutputFolder.MARKER));
        }
        if (empty) {
            return;
        }
        if (!OutputFolder.madeByTfLc(target)) {
            throw new FileAlreadyExistsException(target.toString(), null, "the folder exists and tf-lc did not make "
                    + "it (no " + OutputFolder.MARKER + " marker); tf-lc never replaces it, --force or not. Choose "
                    + "another folder");
        }
        if (!force) {
            throw new FileAlreadyExistsException(target.toString(), null,
                    "the target exists; choose another folder or pass --force to replace it");
        }
    }

    /**
     * Moves the staged model into an existing target, which keeps its marker (another handle may hold its lock):
     * the old saved_model.pb goes first and the new one comes last, so the folder never holds a graph with
     * variables that are not its own.
     */
    private static void replaceContents(Path target, Path staging) throws IOException {
        Files.deleteIfExists(target.resolve("saved_model.pb"));
        try (Stream<Path> old = Files.list(target)) {
            for (Path p : old.filter(p -> !p.getFileName().toString().equals(OutputFolder.MARKER)).toList()) {
                Folders.deleteRecursively(p);
            }
        }
        try (Stream<Path> staged = Files.list(staging)) {
            boolean marked = OutputFolder.madeByTfLc(target);
            for (Path p : staged.filter(p -> !(marked && p.getFileName().toString().equals(OutputFolder.MARKER))
                    && !p.getFileName().toString().equals("saved_model.pb")).toList()) {
                Files.move(p, target.resolve(p.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            }
        }
        Files.move(staging.resolve("saved_model.pb"), target.resolve("saved_model.pb"), StandardCopyOption.ATOMIC_MOVE);
    }

    /** The nodes reachable (through data and control inputs) from the given ops, in their original order. */
    public static GraphDef prune(GraphDef graph, String... roots) {
        Map<String, NodeDef> byName = new HashMap<>();
        for (NodeDef node : graph.getNodeList()) {
            byName.put(node.getName(), node);
        }
        Set<String> keep = new HashSet<>();
        Deque<String> pending = new ArrayDeque<>(List.of(roots));
        while (!pending.isEmpty()) {
            String name = pending.pop();
            NodeDef node = byName.get(name);
            if (node == null || !keep.add(name)) {
                continue;
            }
            for (String input : node.getInputList()) {
                String source = input.startsWith("^") ? input.substring(1) : input;
                int colon = source.indexOf(':');
                pending.push(colon < 0 ? source : source.substring(0, colon));
            }
        }
        GraphDef.Builder pruned = graph.toBuilder().clearNode();
        graph.getNodeList().stream().filter(n -> keep.contains(n.getName())).forEach(pruned::addNode);
        return withUsedFunctions(pruned);
    }

    /** Keeps only the library functions the nodes call, directly or through other functions. */
    private static GraphDef withUsedFunctions(GraphDef.Builder graph) {
        Map<String, FunctionDef> library = new HashMap<>();
        graph.getLibrary().getFunctionList().forEach(f -> library.put(f.getSignature().getName(), f));
        Set<String> used = new HashSet<>();
        Deque<String> pending = new ArrayDeque<>();
        graph.getNodeList().forEach(n -> pending.addAll(calledFunctions(n)));
        while (!pending.isEmpty()) {
            String name = pending.pop();
            FunctionDef f = library.get(name);
            if (f != null && used.add(name)) {
                f.getNodeDefList().forEach(n -> pending.addAll(calledFunctions(n)));
            }
        }
        FunctionDefLibrary.Builder kept = graph.getLibrary().toBuilder().clearFunction().clearGradient();
        graph.getLibrary().getFunctionList().stream().filter(f -> used.contains(f.getSignature().getName()))
                .forEach(kept::addFunction);
        graph.getLibrary().getGradientList().stream().filter(g -> used.contains(g.getFunctionName()))
                .forEach(kept::addGradient);
        return graph.setLibrary(kept).build();
    }

    private static List<String> calledFunctions(NodeDef node) {
        List<String> names = new ArrayList<>();
        for (AttrValue value : node.getAttrMap().values()) {
            if (value.hasFunc()) {
                names.add(value.getFunc().getName());
            }
            value.getList().getFuncList().forEach(f -> names.add(f.getName()));
        }
        return names;
    }

    /** The collection TF1 keeps its trainable variables in: one serialized VariableDef per variable. */
    private static org.tensorflow.proto.CollectionDef trainableCollection(Collection<String> names) {
        var bytes = org.tensorflow.proto.CollectionDef.BytesList.newBuilder();
        for (String name : names) {
            bytes.addValue(org.tensorflow.proto.VariableDef.newBuilder().setVariableName(name + ":0")
                    .setIsResource(true).setTrainable(true).build().toByteString());
        }
        return org.tensorflow.proto.CollectionDef.newBuilder().setBytesList(bytes).build();
    }

    private static TensorInfo info(Output<?> output) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        Shape s = output.shape();
        if (s.isUnknown()) {
            shape.setUnknownRank(true);
        } else {
            for (long d : s.asArray()) {
                shape.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
            }
        }
        return TensorInfo.newBuilder().setName(output.op().name() + ":" + output.index())
                .setDtype(output.dataType()).setTensorShape(shape).build();
    }
}
