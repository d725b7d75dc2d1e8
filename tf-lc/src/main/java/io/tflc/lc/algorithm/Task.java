package io.tflc.lc.algorithm;

import io.tflc.compressors.Compression;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.Precision;
import io.tflc.compressors.lowrank.FixedRank;
import io.tflc.compressors.lowrank.RankSelection;
import io.tflc.compressors.views.AsIs;
import io.tflc.compressors.views.ConvFilters;
import io.tflc.compressors.views.ConvSpatial;
import io.tflc.compressors.views.View;
import io.tflc.savedmodels.ModelExporter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One compression task: which weights (by name), how they are viewed as one matrix, how that matrix is
 * compressed (an additive combination is one {@link Compression} too), and how the exported model runs it.
 */
public record Task(String name, List<String> weights, View view, Compression compression, ModelExporter.Form form) {
    public Task {
        weights = List.copyOf(weights);
        if (weights.size() != view.shapes().size()) {
            throw new IllegalArgumentException("task " + name + ": " + weights.size() + " weights but the view packs "
                    + view.shapes().size());
        }
        if (form == ModelExporter.Form.FACTORED && !(weights.size() == 1
                && (compression instanceof FixedRank || compression instanceof RankSelection)
                && (view instanceof AsIs || view instanceof ConvFilters || view instanceof ConvSpatial))) {
            throw new IllegalArgumentException("task " + name + ": form 'factored' needs a low_rank or rank_selection "
                    + "compression of one dense (as_is view) or convolution (conv_filters or conv_spatial view) "
                    + "weight");
        }
    }

    /** A task exported in the dense form. */
    public Task(String name, List<String> weights, View view, Compression compression) {
        this(name, weights, view, compression, ModelExporter.Form.DENSE);
    }

    /** The task's weights (by name, among {@code weights}) as the one matrix its compression sees. */
    public Matrix pack(Map<String, float[]> weights) {
        List<double[]> values = new ArrayList<>();
        for (String name : this.weights) {
            values.add(Precision.toDoubles(weights.get(name)));
        }
        return view.pack(values);
    }

    /** The weights, by name, a matrix of the view's shape stands for. */
    public Map<String, float[]> unpack(Matrix packed) {
        Map<String, float[]> out = new LinkedHashMap<>();
        List<double[]> parts = view.unpack(packed);
        for (int i = 0; i < parts.size(); i++) {
            out.put(weights.get(i), Precision.toFloats(parts.get(i)));
        }
        return out;
    }
}
