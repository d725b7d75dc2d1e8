package io.tflc.savedmodels;

import io.tflc.compressors.LowRankFactors;
import io.tflc.compressors.Theta;
import io.tflc.compressors.views.View;
import io.tflc.savedmodels.storage.ThetaStorage;
import io.tflc.savedmodels.storage.ViewOps;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.types.TFloat32;

/**
 * Writes a model as a SavedModel that serves through its original signature in plain TF (no tf-lc code): the
 * graph pruned to the served output is imported into a fresh graph, so that training ops, other savers and tf-lc's
 * helper ops never reach the export. The checkpoint holds, for each compressed task, Θ's storage
 * ({@link ThetaStorage}), and every other weight as it is; with no tasks this is a plain export.
 *
 * <p>{@link Form#DENSE}: the original dense variables stay in the graph but out of the checkpoint; the SavedModel's
 * init op ({@code __saved_model_init_op}), which the loader runs after restoring, decodes Θ into them once, so
 * inference runs the original graph at the original speed.
 *
 * <p>{@link Form#FACTORED} (low-rank tasks of one dense or convolution weight): the layer computes with the two
 * factors ({@link Factoring}), so FLOPs drop as well as bytes. A task whose Θ is not low-rank factors (e.g. rank
 * selection that kept the full rank) falls back to the dense form.
 */
public final class ModelExporter {
    private static final String STORAGE = "tflc_storage";
    private static final String INIT = "tflc_init";

    private ModelExporter() {
    }

    /** How a task's weights run in the exported model. */
    public enum Form {
        /** Decoded at load into the original dense variables. */
        DENSE,
        /** Low-rank layers compute x·U·V. */
        FACTORED
    }

    /** One task's result: its weights, their view, the compressed parameters and the runtime form. */
    public record CompressedTask(List<String> weights, View view, Theta theta, Form form) {
        /**
         * Whether the export computes this task's layer from its factors: a factored low-rank task of one weight,
         * of rank above 0 (rank selection may choose 0, and a convolution to 0 channels is refused); else decoded.
         */
        public boolean exportedFactored() {
            return form == Form.FACTORED && theta instanceof LowRankFactors f && f.rank() > 0 && weights.size() == 1;
        }
    }

    /** Writes {@code model} as it is. */
    public static void write(TrainableModel model, Path target, boolean force) throws IOException {
        write(model, List.of(), target, force);
    }

    /**
     * The bytes on disk {@link #write} would produce, measured on a real export into a scratch folder under
     * {@code scratchParent} that is deleted afterwards (for a Θ that is reported but not kept, e.g. DC's).
     */
    public static SavedModelSize sizeOf(TrainableModel model, List<CompressedTask> tasks, Path scratchParent)
            throws IOException {
        Path scratch = java.nio.file.Files.createTempDirectory(scratchParent, ".size");
        try {
            write(model, tasks, scratch.resolve("model"), false);
            return SavedModelSize.of(scratch.resolve("model"));
        } finally {
            Folders.deleteRecursively(scratch);
        }
    }

    /**
     * Writes {@code model} with the weights of {@code tasks} stored compressed; the others keep the values the model
     * holds now.
     */
    public static void write(TrainableModel model, List<CompressedTask> tasks, Path target, boolean force)
            throws IOException {
        Set<String> compressed = new HashSet<>();
        tasks.forEach(t -> compressed.addAll(t.weights()));
        List<String> served = new ArrayList<>(List.of(model.output().op().name()));
        model.declared().otherOutputs().values().forEach(o -> served.add(o.op().name()));
        GraphDef.Builder rewritten = SavedModelWriter.prune(model.graph().toGraphDef(), served.toArray(String[]::new))
                .toBuilder();
        List<Factoring.Factor> factors = new ArrayList<>();
        List<CompressedTask> decodedAtLoad = new ArrayList<>();
        for (int t = 0; t < tasks.size(); t++) {
            CompressedTask task = tasks.get(t);
            if (task.exportedFactored()) {
                LowRankFactors f = (LowRankFactors) task.theta();
                ModelWeight w = model.weight(task.weights().get(0));
                factors.addAll(Factoring.rewrite(rewritten, w.name(), w.consumer(), f, STORAGE + "/factors_" + t,
                        task.view() instanceof io.tflc.compressors.views.ConvSpatial));
            } else {
                decodedAtLoad.add(task);
            }
        }
        try (Graph graph = new Graph(); Session session = new Session(graph)) {
            graph.importGraphDef(rewritten.build());
            Ops tf = Ops.create(graph);

            List<SavedVariable> saved = new ArrayList<>();
            List<WeightAccess.Variable> plain = new ArrayList<>();
            for (ModelWeight w : model.weights()) {
                if (!compressed.contains(w.name()) && graph.operation(w.name()) != null) {
                    Output<?> handle = graph.operation(w.name()).output(0);
                    saved.add(new SavedVariable(w.name(), handle, TFloat32.class));
                    plain.add(new WeightAccess.Variable(w.name(), w.shape(), handle));
                }
            }
            Map<String, float[]> values = model.access().read(plain.stream().map(WeightAccess.Variable::name).toList());
            new WeightAccess(graph, session, plain, "tflc_export").assign(values);

            List<Op> factorFills = new ArrayList<>();
            for (Factoring.Factor f : factors) {
                Output<?> handle = graph.operation(f.name()).output(0);
                factorFills.add(tf.assignVariableOp(handle, tf.reshape(tf.constant(f.values()), tf.constant(f.shape()))));
                saved.add(new SavedVariable(f.name(), handle, TFloat32.class));
            }
            ThetaStorage storage = new ThetaStorage(tf);
            List<Op> decodes = new ArrayList<>();
            for (int t = 0; t < decodedAtLoad.size(); t++) {
                CompressedTask task = decodedAtLoad.get(t);
                Operand<TFloat32> flat = storage.decode(STORAGE + "/task_" + t, task.theta());
                List<Operand<TFloat32>> decoded = ViewOps.unpack(tf, task.view(), flat);
                for (int i = 0; i < task.weights().size(); i++) {
                    GraphOperation handle = graph.operation(task.weights().get(i));
                    decodes.add(tf.assignVariableOp(handle.output(0), decoded.get(i)));
                }
            }
            saved.addAll(storage.stored());
            Op init = decodes.isEmpty() ? null : tf.withControlDependencies(decodes).withName(INIT).noOp();
            List<Op> fills = new ArrayList<>(factorFills);
            fills.addAll(storage.fillOps());
            if (!fills.isEmpty()) {
                Session.Runner fill = session.runner();
                fills.forEach(fill::addTarget);
                fill.run().close();
            }
            if (init != null) {
                session.runner().addTarget(init).run().close();
            }

            Map<String, Output<?>> outputs = new java.util.LinkedHashMap<>();
            outputs.put(model.outputName(), graph.outputOrThrow(name(model.output())));
            model.declared().otherOutputs().forEach((key, o) -> outputs.put(key, graph.outputOrThrow(name(o))));
            // Trainable: the dense weights the model trains, and factors standing in for trainable weights.
            List<String> trainable = new ArrayList<>();
            model.trainableWeights().stream().map(ModelWeight::name).filter(n -> graph.operation(n) != null)
                    .forEach(trainable::add);
            factors.forEach(f -> trainable.add(f.name()));
            SavedModelWriter.write(session, saved, model.inputName(), graph.outputOrThrow(name(model.input())),
                    outputs, init == null ? null : INIT, trainable, target,
                    force);
        }
    }

    private static String name(Output<?> output) {
        return output.op().name() + ":" + output.index();
    }
}
