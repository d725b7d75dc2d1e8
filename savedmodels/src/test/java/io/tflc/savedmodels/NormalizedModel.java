package io.tflc.savedmodels;

import io.tflc.savedmodels.layers.LayerGraph;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.proto.CollectionDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.VariableDef;
import org.tensorflow.types.TFloat32;

/**
 * A TF1-style SavedModel whose input goes through a normalization held in variables ({@code normalization/mean},
 * {@code normalization/variance}: (x − mean)/√variance) before dense 4 → 8 (ReLU) → 3, and whose
 * {@code trainable_variables} collection lists the dense weights only, as TF1 writes it for statistics.
 */
public final class NormalizedModel {
    /** The statistics' values, stored bit for bit. */
    public static final float[] MEAN = {0.1f, -2.5f, 3.25f, 7f};
    public static final float[] VARIANCE = {1.5f, 0.25f, 4f, 9.75f};
    public static final List<String> STATISTICS = List.of("normalization/mean", "normalization/variance");

    private NormalizedModel() {
    }

    /** Writes the model to {@code dir}; it takes 4 features and serves 3 class probabilities. */
    public static void write(Path dir) throws IOException {
        LayerGraph layers = new LayerGraph(new Graph(), 11);
        Ops tf = layers.ops();
        Placeholder<TFloat32> input = layers.input(4);
        Ops scope = tf.withSubScope("normalization");
        VarHandleOp mean = scope.withName("mean").varHandleOp(TFloat32.class, Shape.of(4),
                VarHandleOp.sharedName("normalization/mean"));
        VarHandleOp variance = scope.withName("variance").varHandleOp(TFloat32.class, Shape.of(4),
                VarHandleOp.sharedName("normalization/variance"));
        Operand<TFloat32> normalized = scope.math.div(scope.math.sub(input, scope.readVariableOp(mean,
                TFloat32.class)), scope.math.sqrt(scope.readVariableOp(variance, TFloat32.class)));
        Operand<TFloat32> h = layers.dense("dense", normalized, 8, true);
        try (TrainableModel model = layers.build(input, layers.dense("dense_1", h, 3, false))) {
            model.access().assign(Map.of("normalization/mean", MEAN, "normalization/variance", VARIANCE));
            ModelExporter.write(model, dir, false);
        }
        Path pb = dir.resolve("saved_model.pb");
        SavedModel saved = SavedModel.parseFrom(Files.readAllBytes(pb));
        CollectionDef.BytesList.Builder trainable = CollectionDef.BytesList.newBuilder();
        for (String name : List.of("dense/kernel", "dense/bias", "dense_1/kernel", "dense_1/bias")) {
            trainable.addValue(VariableDef.newBuilder().setVariableName(name + ":0").setIsResource(true)
                    .setTrainable(true).build().toByteString());
        }
        MetaGraphDef meta = saved.getMetaGraphs(0).toBuilder().putCollectionDef("trainable_variables",
                CollectionDef.newBuilder().setBytesList(trainable).build()).build();
        try (OutputStream out = Files.newOutputStream(pb)) {
            saved.toBuilder().setMetaGraphs(0, meta).build().writeTo(out);
        }
    }
}
