package io.tflc.lc.data;

import java.io.IOException;

/**
 * Where one set of examples comes from ({@code idx:}, {@code csv:}, {@code npy:}, {@code images:}, {@code tfrecord:}
 * followed by a path). Sources are made by {@link DataSources} from a {@code KIND:PATH} text and a {@link DataSpec}.
 */
public interface DataSource {

    /**
     * Loads every example, shaped as {@code exampleShape} (the model's input without the batch dimension; a source
     * whose examples hold another number of values, or another number of channels, is an error naming the file and
     * the example) and preprocessed as the spec says. Targets are class indices for image folders and IDX files,
     * and the label values (column, array or feature) for the others. Every source needs labels for now: unlabelled
     * data (for distillation, whose targets are the reference's outputs) is not read yet.
     *
     * @throws IOException for missing data ({@link DataUnavailableException}), or unreadable, corrupt or empty files
     *         and examples that do not fit the input ({@link InvalidDataException}, naming the file and record, row
     *         or image)
     * @throws IllegalArgumentException for a spec that does not fit the source or the shape (mean/std of the wrong
     *         length, an unknown decode)
     */
    Dataset load(int[] exampleShape) throws IOException;

    /** {@code KIND:PATH} naming what is read (for an IDX folder, also which set), for messages. */
    String describe();
}
