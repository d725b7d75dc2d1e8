package io.tflc.savedmodels;

import java.util.List;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.TensorFlow;
import org.tensorflow.op.Ops;
import org.tensorflow.op.RawCustomGradient;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;
import org.tensorflow.types.family.TType;

/**
 * The gradient of {@code ResourceGather} (an embedding lookup on a resource variable), which TF's C++ registry lacks
 * (docs/library-facts.md, 'Gradients'), so that embedding tables train and compress like any other weight.
 *
 * <p>For the table it is dense, [n, row dims…]: the incoming gradient, one row per looked-up id, summed into the
 * rows of the ids ({@code UnsortedSegmentSum}, n = the variable's first dimension read at run time). A sparse
 * (IndexedSlices) gradient would save memory on large vocabularies, but the ResourceApply* updates of the L-step take
 * dense gradients anyway. The ids get zeros: they are integers, and nothing upstream of them is differentiated (TF
 * Java cannot return TF's "no gradient" marker).
 */
final class ResourceGatherGradient {
    private static final String OP = "ResourceGather";
    /** Held here too: TF keeps only a native pointer to the adapter built from it. */
    private static final RawCustomGradient GRADIENT = ResourceGatherGradient::gradient;
    private static boolean registered;

    private ResourceGatherGradient() {
    }

    /**
     * Registers the gradient once per JVM; later calls do nothing. Safe from several threads. If TF ever ships its
     * own gradient for the op, TF Java keeps that one.
     */
    static synchronized void register() {
        if (!registered) {
            TensorFlow.registerCustomGradient(OP, GRADIENT);
            registered = true;
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static List<Operand<?>> gradient(Ops tf, GraphOperation op, List<Output<?>> gradInputs) {
        long batchDims = op.attributes().getAttrInt("batch_dims");
        if (batchDims != 0) {
            throw new IllegalArgumentException("the embedding lookup " + op.name() + " has batch_dims = " + batchDims
                    + ", whose gradient tf-lc does not implement (only batch_dims = 0, what Keras' Embedding uses): "
                    + "build the model's lookups with batch_dims = 0 (e.g. a Keras Embedding layer) and export it again");
        }
        Output<?> table = op.input(0);
        Operand<? extends TNumber> ids = (Operand<? extends TNumber>) op.input(1);
        Operand<TInt64> shape = tf.variableShape(table, TInt64.class);
        Operand<TInt64> rows = tf.reshape(tf.slice(shape, tf.constant(new long[] {0}), tf.constant(new long[] {1})),
                tf.constant(new long[0]));
        Operand<TInt64> rowShape = tf.slice(shape, tf.constant(new long[] {1}), tf.constant(new long[] {-1}));
        Operand<TInt64> perId = tf.concat(List.of(tf.constant(new long[] {-1}), rowShape), tf.constant(0));
        Operand<TType> incoming = (Operand<TType>) (Operand) gradInputs.get(0);
        Operand<?> dense = tf.math.unsortedSegmentSum(tf.reshape(incoming, perId),
                tf.reshape(ids, tf.constant(new long[] {-1})), rows);
        return List.of(dense, tf.zerosLike(ids));
    }
}
