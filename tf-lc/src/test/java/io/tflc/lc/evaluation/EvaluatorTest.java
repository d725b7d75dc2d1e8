package io.tflc.lc.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.lc.FashionMnist;
import io.tflc.lc.data.Dataset;
import io.tflc.lc.data.Minibatches;
import io.tflc.lc.lstep.LStepGraph;
import io.tflc.lc.lstep.Optimizer;
import io.tflc.savedmodels.TrainableModel;
import io.tflc.savedmodels.layers.LayerGraph;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

class EvaluatorTest {

    /** Evaluating builds no gradients, so a model that cannot be trained can still be scored. */
    @Test
    void evaluatesAModelThatCannotBeTrained() {
        Dataset test = FashionMnist.get().test().head(1000);
        LayerGraph layers = new LayerGraph(new Graph(), 1);
        Placeholder<TFloat32> input = layers.input(784);
        var rounded = layers.ops().math.round(layers.dense("dense", input, 16, true));
        try (TrainableModel model = layers.build(input, layers.dense("dense_1", rounded, 10, false));
             Minibatches batches = new Minibatches(test, 250)) {
            Evaluator.Evaluation e = new Evaluator(model).evaluate(batches);
            assertTrue(e.error() > 0.5 && e.error() <= 1, "an untrained model is near chance: " + e.error());
            assertTrue(e.loss() > 0);
            int[] predicted = Predictions.of(model, test);
            assertEquals(1 - e.error(), Predictions.accuracy(predicted, test), 1e-12);
            assertThrows(IllegalArgumentException.class,
                    () -> new LStepGraph(model, List.of(), new Optimizer(Optimizer.SGD_NESTEROV, 0.9)));
        }
    }
}
