/**
 * Data: IDX files (gzipped or not), in-memory labelled datasets with seeded shuffling, and the minibatch feeder
 * that writes batches into tensors allocated once.
 */
package io.tflc.lc.data;
