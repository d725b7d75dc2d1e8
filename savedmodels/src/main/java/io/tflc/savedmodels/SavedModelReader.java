package io.tflc.savedmodels;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.types.TFloat32;

/**
 * Loads a TF1-style SavedModel (such as those {@link SavedModelWriter} writes) as a {@link TrainableModel}: the
 * chosen signature's input and output, and the logits (the output itself, or the input of a final Softmax).
 * Keras (TF2) models, whose signatures call functions, need the inlining importer of issue 4.
 */
public final class SavedModelReader {
    private SavedModelReader() {
    }

    public static TrainableModel read(Path dir, String signatureKey, String inputName, String outputName) {
        if (!Files.isRegularFile(dir.resolve("saved_model.pb"))) {
            throw new IllegalArgumentException(dir + " is not a SavedModel: it has no saved_model.pb");
        }
        SavedModelBundle bundle = SavedModelBundle.load(dir.toString(), SavedModelWriter.SERVE);
        try {
            Map<String, SignatureDef> signatures = bundle.metaGraphDef().getSignatureDefMap();
            SignatureDef signature = signatures.get(signatureKey);
            if (signature == null) {
                throw new IllegalArgumentException(dir + " has no signature '" + signatureKey + "'; signatures: "
                        + signatures.keySet());
            }
            String inputKey = pick(signature.getInputsMap(), inputName, "input", dir);
            String outputKey = pick(signature.getOutputsMap(), outputName, "output", dir);
            Output<TFloat32> input = floatTensor(bundle, signature.getInputsMap().get(inputKey));
            Output<TFloat32> output = floatTensor(bundle, signature.getOutputsMap().get(outputKey));
            GraphOperation op = (GraphOperation) output.op();
            @SuppressWarnings("unchecked")
            Output<TFloat32> logits = op.type().equals("Softmax") ? (Output<TFloat32>) op.input(0) : output;
            return new TrainableModel(bundle.graph(), bundle.session(), bundle, input, logits, output, inputKey,
                    outputKey);
        } catch (RuntimeException e) {
            bundle.close();
            throw e;
        }
    }

    /** The signature key of the tensor to use: {@code name}, or the only one when name is null. */
    private static String pick(Map<String, TensorInfo> tensors, String name, String what, Path dir) {
        if (name == null) {
            if (tensors.size() != 1) {
                throw new IllegalArgumentException(dir + ": the signature has " + tensors.size() + " " + what
                        + "s; name one of " + tensors.keySet());
            }
            return tensors.keySet().iterator().next();
        }
        if (!tensors.containsKey(name)) {
            throw new IllegalArgumentException(dir + " has no " + what + " '" + name + "'; " + what + "s: "
                    + tensors.keySet());
        }
        return name;
    }

    @SuppressWarnings("unchecked")
    private static Output<TFloat32> floatTensor(SavedModelBundle bundle, TensorInfo info) {
        Output<?> output = bundle.graph().outputOrThrow(info.getName());
        if (output.type() != TFloat32.class) {
            throw new IllegalArgumentException("tensor " + info.getName() + " is " + output.dataType()
                    + "; tf-lc needs a float32 input and output");
        }
        return (Output<TFloat32>) output;
    }
}
