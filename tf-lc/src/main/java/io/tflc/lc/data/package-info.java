/**
 * Data: where examples come from and how they reach a graph. {@link io.tflc.lc.data.DataSources} turns
 * {@code KIND:PATH} texts into {@link io.tflc.lc.data.DataSource}s (IDX files, CSV tables, NumPy arrays, image
 * folders, TFRecord files of {@code tf.Example}s) and a plan's data section into train and test
 * {@link io.tflc.lc.data.Datasets}, split by seed when there is one source; every source checks its examples against
 * the model's input and names the file and record, row or image of whatever is wrong, before anything trains.
 * Images and records are decoded by TensorFlow's own ops, NumPy arrays read by ND4J.
 * {@link io.tflc.lc.data.Preprocessing} scales and standardizes features; {@link io.tflc.lc.data.Dataset} holds them
 * in memory with seeded shuffling, and {@link io.tflc.lc.data.Minibatches} writes batches into tensors allocated once.
 * An LC run trains on {@link io.tflc.lc.data.TrainingData}, a pass at a time ({@link io.tflc.lc.data.BatchSource}):
 * a {@code Dataset} in memory, or a {@link io.tflc.lc.data.TfRecordStream} read from disk through TF's data ops as
 * training goes, for sets larger than memory.
 */
package io.tflc.lc.data;
