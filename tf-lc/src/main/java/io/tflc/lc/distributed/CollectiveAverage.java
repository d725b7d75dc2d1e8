package io.tflc.lc.distributed;

import io.tflc.lc.lstep.GradientReduction;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The mean of each tensor (the gradients, the L-step's epoch loss) over all workers, by TF's {@code CollectiveReduceV2}
 * (merge Add, final Div): the op TF Java 1.0.0 has no wrapper for, built by name (DESIGN §6). Every worker builds the
 * same graph in the same order, so the n-th tensor this reduction averages gets instance key n on all of them (the
 * gradients first, then the epoch loss), and the keys repeat each step as graph-mode collectives do.
 */
public final class CollectiveAverage implements GradientReduction {
    /** One group: all workers of the run. */
    private static final int GROUP_KEY = 1;
    private final int workers;
    private int nextKey = 1;

    public CollectiveAverage(int workers) {
        this.workers = workers;
    }

    @Override
    public List<Operand<TFloat32>> reduce(Ops tf, List<Operand<TFloat32>> tensors) {
        List<Operand<TFloat32>> averaged = new ArrayList<>();
        Ops scope = tf.withSubScope("allreduce");
        for (Operand<TFloat32> tensor : tensors) {
            Operation op = scope.scope().opBuilder("CollectiveReduceV2", "tensor_" + nextKey)
                    .addInput(tensor.asOutput())
                    .addInput(tf.constant(workers).asOutput())
                    .addInput(tf.constant(GROUP_KEY).asOutput())
                    .addInput(tf.constant(nextKey++).asOutput())
                    .addInputList(new org.tensorflow.Output<?>[0])
                    .setAttr("merge_op", "Add")
                    .setAttr("final_op", "Div")
                    .build();
            averaged.add(op.<TFloat32>output(0));
        }
        return averaged;
    }
}
