/** Building classifiers layer by layer in a TF graph with resource variables (the Java-built reference models). */
package io.tflc.savedmodels.layers;
