package io.tflc.savedmodels;

import org.tensorflow.Operand;
import org.tensorflow.types.family.TType;

/** A resource variable a SavedModel's checkpoint holds, under key {@code name}, of element type {@code type}. */
public record SavedVariable(String name, Operand<?> handle, Class<? extends TType> type) {
}
