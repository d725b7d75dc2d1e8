/**
 * Accuracy-aware automatic compression ({@code tf-lc auto}): from a sensitivity table, which compression each
 * weight gets ({@link io.tflc.lc.auto.Allocation}, a multiple-choice knapsack), and how a choice that broke the
 * accuracy budget is relaxed.
 */
package io.tflc.lc.auto;
