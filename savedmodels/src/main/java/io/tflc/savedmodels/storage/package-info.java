/** Storage of compressed parameters in SavedModel variables, and their decoders in standard TF ops. */
package io.tflc.savedmodels.storage;
