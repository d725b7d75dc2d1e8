package io.tflc.lc.api;

/**
 * How a task sees its weights before they are compressed: the matrix (or vector) the compression works on. A task
 * that names no view gets one per weight from the layer that consumes it: {@link #DEPTHWISE} for a depthwise kernel,
 * {@link #CONV_FILTERS} for another 4-D kernel, {@link #AS_IS} for the rest.
 */
public enum View {
    /** The weight as it is: a matrix stays a matrix, a vector a column. */
    AS_IS("as_is"),
    /** A convolution kernel [H, W, C, F] as one column per filter: low rank shares across filters. */
    CONV_FILTERS("conv_filters"),
    /** A convolution kernel as one column per spatial position. */
    CONV_SPATIAL("conv_spatial"),
    /** A depthwise kernel [H, W, C, 1] as one column per channel. */
    DEPTHWISE("depthwise"),
    /** All the task's weights as one vector: one codebook or one pruning budget for all of them. */
    CONCATENATED("concatenated");

    private final String planName;

    View(String planName) {
        this.planName = planName;
    }

    /** The name plans give it ({@code "view"} in a task). */
    public String planName() {
        return planName;
    }
}
