package io.tflc.savedmodels;

import io.tflc.savedmodels.safety.ModelTrust;
import io.tflc.savedmodels.safety.OpScan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SaverDef;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TString;

/**
 * Loads any SavedModel with a {@code serve} tag as a {@link TrainableModel}: Keras (TF2) models, whose signatures
 * call functions, and TF1-style graphs such as tf-lc's own exports, by one path.
 *
 * <ol>
 *   <li>The function calls the chosen output goes through are inlined into a flat graph ({@link FunctionInliner}),
 *       which TF can differentiate; everything else, the library and the saver included, is kept.</li>
 *   <li>The flat graph is imported into a new graph and its variables are restored by running the model's own
 *       saver ({@code saver_def}) on {@code variables/}.</li>
 *   <li>The flat graph's output is checked against the original SavedModel's on generated inputs; a difference
 *       above 1e-5 (relative to the output's size) is an error.</li>
 * </ol>
 * Before any of this, {@link OpScan} checks every op of the model (nothing runs on a model it refuses).
 * The logits are the output itself, or the input of a final Softmax or Sigmoid (through Identity ops). Variables the
 * SavedModel marks as not trainable ({@link Trainability}) are weights that are never trained nor compressed.
 */
public final class SavedModelReader {
    private static final Set<String> CALLS = Set.of("StatefulPartitionedCall", "PartitionedCall");
    private static final double TOLERANCE = 1e-5;

    private SavedModelReader() {
    }

    /** Reads a model whose ops pass {@link OpScan}; see {@link #read(Path, String, String, String, ModelTrust)}. */
    public static TrainableModel read(Path dir, String signatureKey, String inputName, String outputName) {
        return read(dir, signatureKey, inputName, outputName, ModelTrust.CHECK_OPS);
    }

    /**
     * Reads the model in {@code dir}. Nothing of it runs before {@link OpScan} has checked its ops; a model that
     * fails the scan is an {@link io.tflc.savedmodels.safety.UnsafeModelException} unless {@code trust} is
     * {@link ModelTrust#TRUST_MODEL}.
     */
    public static TrainableModel read(Path dir, String signatureKey, String inputName, String outputName,
                                      ModelTrust trust) {
        MetaGraphDef meta = OpScan.require(dir, trust);
        Map<String, SignatureDef> signatures = meta.getSignatureDefMap();
        SignatureDef signature = signatures.get(signatureKey);
        if (signature == null) {
            throw new IllegalArgumentException(dir + " has no signature '" + signatureKey + "'; signatures: "
                    + signatures.keySet().stream().filter(k -> !k.startsWith("__")).toList());
        }
        String inputKey = pick(signature.getInputsMap(), inputName, "input", dir);
        String outputKey = pickOutput(signature.getOutputsMap(), outputName, dir);
        String inputTensor = signature.getInputsMap().get(inputKey).getName();
        String outputTensor = signature.getOutputsMap().get(outputKey).getName();

        FunctionInliner.Result inlined = FunctionInliner.inline(meta.getGraphDef(),
                callsUnder(meta, nodeOf(outputTensor)));
        String flatOutput = flatName(inlined, outputTensor);
        Map<String, String> otherOutputs = new java.util.LinkedHashMap<>();
        signature.getOutputsMap().forEach((key, info) -> {
            String flat = flatName(inlined, info.getName());
            if (!key.equals(outputKey) && !CALLS.contains(nodeOf(flat))) {
                otherOutputs.put(key, flat);
            }
        });
        GraphDef flat = LegacyOps.upgrade(inlined.graph());
        String init = initOp(meta);
        if (ReferenceVariables.present(flat)) {
            List<String> roots = new ArrayList<>(List.of(nodeOf(flatOutput), nodeOf(inputTensor)));
            otherOutputs.values().forEach(o -> roots.add(nodeOf(o)));
            SaverDef saver = meta.getSaverDef();
            for (String node : List.of(saver.getFilenameTensorName(), saver.getSaveTensorName(),
                    saver.getRestoreOpName())) {
                if (!node.isEmpty()) {
                    roots.add(nodeOf(node));
                }
            }
            if (init != null) {
                roots.add(init);
            }
            flat = ReferenceVariables.toResource(flat, roots);
        }
        long batch = BatchDimension.of(flat, nodeOf(inputTensor));
        if (batch > 0) {
            try {
                return open(dir, meta, BatchDimension.relax(flat, nodeOf(inputTensor)), init, inputKey, outputKey,
                        inputTensor, outputTensor, flatOutput, otherOutputs, (int) batch, true);
            } catch (BatchDimension.NotRelaxable e) {
                log(dir + ": " + e.getMessage() + "; it keeps that batch size: tf-lc feeds it batches of exactly "
                        + batch + " examples (the last one padded, the padding not counted)");
            }
        }
        return open(dir, meta, flat, init, inputKey, outputKey, inputTensor, outputTensor, flatOutput, otherOutputs,
                (int) Math.max(batch, 0), false);
    }

    /**
     * Imports the flat graph, restores and checks it. {@code batch} is the signature's fixed batch size (0: none);
     * when {@code relaxed}, the graph takes any batch size, which is checked: a failure is {@link
     * BatchDimension.NotRelaxable}.
     */
    private static TrainableModel open(Path dir, MetaGraphDef meta, GraphDef flat, String init, String inputKey,
                                       String outputKey, String inputTensor, String outputTensor, String flatOutput,
                                       Map<String, String> otherOutputs, int batch, boolean relaxed) {
        Graph graph = new Graph();
        Session session = null;
        try {
            graph.importGraphDef(flat);
            session = new Session(graph);
            restore(session, meta.getSaverDef(), dir);
            if (init != null && graph.operation(init) != null) {
                session.runner().addTarget(init).run().close();
            }
            Output<TFloat32> input = floatTensor(graph, inputTensor);
            Output<TFloat32> output = floatTensor(graph, flatOutput);
            Map<String, Output<?>> others = new java.util.LinkedHashMap<>();
            otherOutputs.forEach((key, name) -> others.put(key, graph.outputOrThrow(name)));
            TrainableModel model = new TrainableModel(graph, session, null, input, logitsOf(output), output, inputKey,
                    outputKey, null, new TrainableModel.Declared(others, relaxed ? 0 : batch,
                    Trainability.nonTrainable(meta), OptimizerSlots.of(meta)));
            checkRestoredShapes(model, dir);
            verify(model, dir, inputTensor, outputTensor, batch);
            if (relaxed) {
                BatchDimension.check(model, batch);
            }
            return model;
        } catch (RuntimeException e) {
            if (session != null) {
                session.close();
            }
            graph.close();
            throw e;
        }
    }

    /** The flat name of a signature tensor: an inlined call's output, or the tensor itself. */
    private static String flatName(FunctionInliner.Result inlined, String tensor) {
        List<String> outputs = inlined.callOutputs().get(nodeOf(tensor));
        return outputs == null ? tensor : outputs.get(indexOf(tensor));
    }

    private static void log(String message) {
        org.slf4j.LoggerFactory.getLogger(SavedModelReader.class).warn(message);
    }

    /** Call nodes of the outer graph that the node {@code root} depends on. */
    private static Set<String> callsUnder(MetaGraphDef meta, String root) {
        Map<String, NodeDef> byName = new HashMap<>();
        meta.getGraphDef().getNodeList().forEach(n -> byName.put(n.getName(), n));
        Set<String> calls = new HashSet<>();
        Set<String> seen = new HashSet<>();
        Deque<String> pending = new ArrayDeque<>(List.of(root));
        while (!pending.isEmpty()) {
            NodeDef node = byName.get(pending.pop());
            if (node == null || !seen.add(node.getName())) {
                continue;
            }
            if (CALLS.contains(node.getOp())) {
                calls.add(node.getName());
            }
            for (String in : node.getInputList()) {
                pending.push(nodeOf(in.startsWith("^") ? in.substring(1) : in));
            }
        }
        return calls;
    }

    private static void restore(Session session, SaverDef saver, Path dir) {
        if (saver.getRestoreOpName().isEmpty()) {
            return;
        }
        Path variables = dir.resolve("variables");
        if (!Files.isRegularFile(variables.resolve("variables.index"))) {
            throw new IllegalArgumentException(dir + " has no variables/variables.index: the weights are missing; "
                    + "copy the whole SavedModel folder");
        }
        try (TString prefix = TString.scalarOf(variables.resolve("variables").toString())) {
            session.runner().feed(saver.getFilenameTensorName(), prefix).addTarget(saver.getRestoreOpName()).run()
                    .close();
        } catch (TensorFlowException e) {
            throw new IllegalArgumentException("restoring the variables of " + dir + " failed: its variables/ do not "
                    + "match its saved_model.pb (" + firstLine(e.getMessage()) + ")", e);
        }
    }

    /**
     * Resource variables take whatever shape the checkpoint holds, so variables from another model can restore
     * without an error: compare every weight with the shape its VarHandleOp declares.
     */
    private static void checkRestoredShapes(TrainableModel model, Path dir) {
        Map<String, float[]> values = model.access().readAll();
        for (ModelWeight w : model.weights()) {
            if (values.get(w.name()).length != w.size()) {
                throw new IllegalArgumentException("variable " + w.name() + " holds " + values.get(w.name()).length
                        + " values in " + dir.resolve("variables") + " but has shape " + w.shape() + " in "
                        + "saved_model.pb: its variables/ do not match its saved_model.pb");
            }
        }
    }

    /**
     * The op TF's loader runs after restoring: the {@code __saved_model_init_op} signature's output, or a TF1
     * main/legacy init op (tf-lc's compressed models decode their weights there); null if none.
     */
    private static String initOp(MetaGraphDef meta) {
        SignatureDef signature = meta.getSignatureDefMap().get(SavedModelWriter.INIT_SIGNATURE);
        if (signature != null && signature.containsOutputs(SavedModelWriter.INIT_SIGNATURE)) {
            return nodeOf(signature.getOutputsOrThrow(SavedModelWriter.INIT_SIGNATURE).getName());
        }
        for (String key : List.of("saved_model_main_op", "legacy_init_op")) {
            var collection = meta.getCollectionDefMap().get(key);
            if (collection != null && collection.getNodeList().getValueCount() > 0) {
                return nodeOf(collection.getNodeList().getValue(0));
            }
        }
        return null;
    }

    /** Runs the original SavedModel and the flat graph on the same generated inputs and compares their outputs. */
    private static void verify(TrainableModel model, Path dir, String inputTensor, String outputTensor, int batch) {
        long[] dims = model.input().shape().asArray();
        dims[0] = batch > 0 ? batch : 4;
        for (long d : dims) {
            if (d < 1) {
                return; // inputs of unknown size: nothing to generate
            }
        }
        float[] values = new float[(int) Shape.of(dims).size()];
        Random random = new Random(17);
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextFloat();
        }
        float[] flat = FloatRun.run(model.session(), inputTensor, model.output().op().name() + ":" + model.output().index(),
                dims, values);
        float[] original;
        try (SavedModelBundle bundle = SavedModelBundle.load(dir.toString(), SavedModelWriter.SERVE)) {
            original = FloatRun.run(bundle.session(), inputTensor, outputTensor, dims, values);
        } catch (TensorFlowException e) {
            throw new IllegalArgumentException(dir + " could not be loaded by TF's own SavedModel loader to check the "
                    + "import (" + firstLine(e.getMessage()) + "). Keras 3 model.export() SavedModels are known not to "
                    + "load in session-based loaders: save with Keras 2 (model.save) or tf.saved_model.save", e);
        }
        for (int i = 0; i < flat.length; i++) {
            double gap = Math.abs(flat[i] - original[i]);
            if (gap > TOLERANCE * Math.max(1, Math.abs(original[i]))) {
                throw new IllegalStateException("the flattened graph of " + dir + " does not reproduce its output "
                        + outputTensor + " (difference " + gap + " at value " + i + "); please report this model");
            }
        }
    }

    /** The input of a final Softmax or Sigmoid (through Identity ops), else the output itself. */
    @SuppressWarnings("unchecked")
    private static Output<TFloat32> logitsOf(Output<TFloat32> output) {
        GraphOperation op = (GraphOperation) output.op();
        while (op.type().equals("Identity")) {
            op = (GraphOperation) op.input(0).op();
        }
        return op.type().equals("Softmax") || op.type().equals("Sigmoid") ? (Output<TFloat32>) op.input(0) : output;
    }

    /**
     * The signature key of the output to train (and to compare when verifying): {@code name}; else the only output,
     * or the only float one (a TF1 classifier serves int64 {@code classes} next to float {@code probabilities}).
     *
     * @throws IllegalArgumentException when that is ambiguous or {@code name} is not an output
     */
    public static String pickOutput(Map<String, TensorInfo> outputs, String name, Path dir) {
        if (name == null && outputs.size() > 1) {
            List<String> floats = outputs.entrySet().stream()
                    .filter(e -> e.getValue().getDtype() == org.tensorflow.proto.DataType.DT_FLOAT)
                    .map(Map.Entry::getKey).toList();
            if (floats.size() == 1) {
                return floats.get(0);
            }
            throw new IllegalArgumentException(dir + ": the signature has " + outputs.size() + " outputs, "
                    + floats.size() + " of them float: " + describe(outputs) + "; name the one to train with --output");
        }
        return pick(outputs, name, "output", dir);
    }

    private static String describe(Map<String, TensorInfo> tensors) {
        return tensors.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue().getDtype().name().substring(3)
                .toLowerCase(java.util.Locale.ROOT) + ")").sorted().toList().toString();
    }

    /** The signature key of the tensor to use: {@code name}, or the only one when name is null. */
    private static String pick(Map<String, TensorInfo> tensors, String name, String what, Path dir) {
        if (name == null) {
            if (tensors.size() != 1) {
                throw new IllegalArgumentException(dir + ": the signature has " + tensors.size() + " " + what
                        + "s; name one of " + tensors.keySet());
            }
            return tensors.keySet().iterator().next();
        }
        if (!tensors.containsKey(name)) {
            throw new IllegalArgumentException(dir + " has no " + what + " '" + name + "'; " + what + "s: "
                    + tensors.keySet());
        }
        return name;
    }

    @SuppressWarnings("unchecked")
    private static Output<TFloat32> floatTensor(Graph graph, String name) {
        Output<?> output = graph.outputOrThrow(name);
        if (output.type() != TFloat32.class) {
            throw new IllegalArgumentException("tensor " + name + " is " + output.dataType()
                    + "; tf-lc needs a float32 input and output");
        }
        return (Output<TFloat32>) output;
    }

    private static String nodeOf(String tensor) {
        int colon = tensor.indexOf(':');
        return colon < 0 ? tensor : tensor.substring(0, colon);
    }

    private static int indexOf(String tensor) {
        int colon = tensor.indexOf(':');
        return colon < 0 ? 0 : Integer.parseInt(tensor.substring(colon + 1));
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
