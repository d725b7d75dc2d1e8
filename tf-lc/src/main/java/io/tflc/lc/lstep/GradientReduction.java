package io.tflc.lc.lstep;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * What happens to the data loss's gradients between their computation and the optimizer's update: nothing in one
 * process; an all-reduce average across replicas in a data-parallel run ({@code io.tflc.lc.distributed}), so that the
 * updates stay local and every replica applies the same step. The L-step also averages its epoch loss with it, so
 * that every replica judges divergence on the same figure.
 */
public interface GradientReduction {
    /** One process: the tensors as they are. */
    GradientReduction LOCAL = (tf, tensors) -> tensors;

    /** The tensors to use, one per input, in the same order and shapes; {@link #LOCAL} returns its input. */
    List<Operand<TFloat32>> reduce(Ops tf, List<Operand<TFloat32>> tensors);
}
