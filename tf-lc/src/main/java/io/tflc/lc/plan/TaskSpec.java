package io.tflc.lc.plan;

import io.tflc.compressors.Compression;
import io.tflc.compressors.views.AsIs;
import io.tflc.compressors.views.Concatenated;
import io.tflc.compressors.views.ConvFilters;
import io.tflc.compressors.views.ConvSpatial;
import io.tflc.compressors.views.Depthwise;
import io.tflc.compressors.views.View;
import io.tflc.lc.algorithm.Task;
import io.tflc.savedmodels.ModelExporter;
import io.tflc.savedmodels.ModelWeight;
import io.tflc.savedmodels.TrainableModel;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * A task as a plan states it, before it meets a model: weight selectors (exact names, or {@code re:} regular
 * expressions that must match a whole name; they pick trainable weights only, and naming a weight that is not
 * trainable is an error), a view, and a compression. With the {@code concatenated} view all
 * matched weights form one task; with the other views each matched weight is a task of its own. A null view is
 * chosen per weight from the layer that consumes it: {@code depthwise} for a DepthwiseConv2dNative kernel,
 * {@code conv_filters} for another 4-D kernel, {@code as_is} for the rest.
 */
public record TaskSpec(String name, List<String> selectors, String view, Compression compression,
                       ModelExporter.Form form) {
    public static final List<String> VIEWS = List.of("as_is", "conv_filters", "conv_spatial", "depthwise",
            "concatenated");
    public static final List<String> FORMS = List.of("dense", "factored");

    /** The tasks this spec makes on {@code model}, or a {@link PlanException} naming what does not fit. */
    public List<Task> resolve(TrainableModel model) {
        Set<String> matched = new LinkedHashSet<>();
        String existing = model.trainableWeights().stream().map(ModelWeight::name)
                .collect(Collectors.joining(", "));
        for (String selector : selectors) {
            List<String> hits = new ArrayList<>();
            if (selector.startsWith("re:")) {
                Pattern pattern;
                try {
                    pattern = Pattern.compile(selector.substring(3));
                } catch (PatternSyntaxException e) {
                    throw new PlanException("task " + name + ": bad regular expression " + selector + ": "
                            + e.getDescription());
                }
                // Statistics are never compressed: a pattern takes the trainable weights it matches.
                model.trainableWeights().stream().map(ModelWeight::name).filter(n -> pattern.matcher(n).matches())
                        .forEach(hits::add);
            } else if (model.weights().stream().anyMatch(w -> w.name().equals(selector))) {
                if (!model.weight(selector).trainable()) {
                    throw new PlanException("task " + name + ": weight " + selector + " is not trainable (statistics "
                            + "the model reads but training never changes, e.g. BatchNorm moving mean/variance or a "
                            + "Normalization layer's mean/variance): it is never compressed; remove it from the task. "
                            + "Trainable weights: " + existing);
                }
                hits.add(selector);
            }
            if (hits.isEmpty()) {
                throw new PlanException("task " + name + ": no trainable weight matches '" + selector + "'; the "
                        + "model's trainable weights: " + existing);
            }
            matched.addAll(hits);
        }
        List<Task> tasks = new ArrayList<>();
        try {
            if ("concatenated".equals(view)) {
                List<int[]> shapes = matched.stream().map(n -> model.weight(n).dims()).toList();
                tasks.add(new Task(name, List.copyOf(matched), new Concatenated(shapes), compression, form));
            } else {
                for (String weight : matched) {
                    String taskName = matched.size() == 1 ? name : name + ":" + weight;
                    ModelWeight w = model.weight(weight);
                    tasks.add(new Task(taskName, List.of(weight), single(view != null ? view : defaultView(w),
                            w.dims(), weight), compression, form));
                }
            }
        } catch (IllegalArgumentException e) {
            throw new PlanException("task " + name + ": " + e.getMessage(), e);
        }
        return tasks;
    }

    /** The view a plan that names none gets for {@code weight}. */
    static String defaultView(ModelWeight weight) {
        if (weight.dims().length != 4) {
            return "as_is";
        }
        // A depthwise kernel [H, W, C, 1] under conv_filters is one column: nothing for low rank to share.
        return weight.layer().equals("DepthwiseConv2dNative") ? "depthwise" : "conv_filters";
    }

    private static View single(String view, int[] shape, String weight) {
        try {
            return switch (view) {
                case "as_is" -> new AsIs(shape);
                case "conv_filters" -> new ConvFilters(shape);
                case "conv_spatial" -> new ConvSpatial(shape);
                case "depthwise" -> new Depthwise(shape);
                default -> throw new PlanException("unknown view '" + view + "'; views: " + String.join(", ", VIEWS));
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("weight " + weight + ": " + e.getMessage(), e);
        }
    }
}
