/**
 * The data-parallel L-step on TensorFlow's own distributed runtime (issue 20): a cluster of worker processes, each
 * with its own TF {@code Server}, training identical replicas whose gradients are averaged by collective all-reduce;
 * the launcher and watchdog that start and stop them.
 */
package io.tflc.lc.distributed;
