package io.tflc.lc.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.lc.data.Dataset;
import io.tflc.savedmodels.SavedModelReader;
import io.tflc.savedmodels.SharedFiles;
import io.tflc.savedmodels.TrainableModel;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** Issue 14: objectives chosen from real models' outputs, their losses against plain formulas, their measures. */
class ObjectivesTest {

    @ParameterizedTest
    @CsvSource({"keras-mnist-mlp, softmax_cross_entropy, 10", "keras-mnist-cnn, softmax_cross_entropy, 10",
                "mlperf-tiny-kws-dscnn, softmax_cross_entropy, 12"})
    void autoReadsTheClassesFromTheOutput(String name, String expected, int classes) {
        try (TrainableModel model = SavedModelReader.read(SharedFiles.require("savedmodels/" + name),
                "serving_default", null, null)) {
            Objective objective = Objectives.resolve("auto", model, 1);
            assertEquals(expected, objective.name());
            assertEquals(classes, Objective.units(model.logits()));
        }
    }

    @Test
    void autoAsksForARegressionModelsObjective() {
        try (TrainableModel model = SavedModelReader.read(SharedFiles.require("savedmodels/keras-autompg-regression"),
                "serving_default", null, null)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Objectives.resolve("auto", model, 1));
            assertTrue(e.getMessage().contains("--loss mse"), e.getMessage());
            assertInstanceOf(Regression.class, ((Distillation) Objectives.resolve("distill", model, 1)).base());
        }
    }

    @Test
    void lossesMatchTheirFormulas() {
        float[] logits = {2f, -1f, 0.5f, -3f, 4f, 0f};   // 2 examples × 3 units
        float[] classes = {0f, 2f};
        // Softmax cross-entropy of example i: logsumexp(row) − row[label].
        double expectedSoftmax = (lse(logits, 0) - 2 + lse(logits, 3) - 0) / 2;
        assertEquals(expectedSoftmax, loss(new SoftmaxCrossEntropy(), logits, classes, 2, 3, 1), 1e-5);
        float[] zeroOne = {1f, 0f, 1f, 0f, 1f, 1f};
        double sigmoid = 0;
        for (int i = 0; i < 6; i++) {
            double p = 1 / (1 + Math.exp(-logits[i]));
            sigmoid -= zeroOne[i] * Math.log(p) + (1 - zeroOne[i]) * Math.log(1 - p);
        }
        assertEquals(sigmoid / 6, loss(new SigmoidCrossEntropy(), logits, zeroOne, 2, 3, 3), 1e-5);
        float[] values = {1.5f, -1f, 0f, -2f, 4.5f, 1f};
        double mse = 0;
        double mae = 0;
        for (int i = 0; i < 6; i++) {
            mse += Math.pow(logits[i] - values[i], 2) / 6;
            mae += Math.abs(logits[i] - values[i]) / 6;
        }
        assertEquals(mse, loss(new Regression(true), logits, values, 2, 3, 3), 1e-5);
        assertEquals(mae, loss(new Regression(false), logits, values, 2, 3, 3), 1e-5);
        // Distillation at T: T²·CE(softmax(teacher/T), student/T); zero gradient point: the student equals the teacher,
        // where it equals T² times the teacher's softened entropy.
        double t = 2;
        double entropy = 0;
        for (int row = 0; row < 2; row++) {
            double z = 0;
            for (int c = 0; c < 3; c++) {
                z += Math.exp(logits[3 * row + c] / t);
            }
            for (int c = 0; c < 3; c++) {
                double p = Math.exp(logits[3 * row + c] / t) / z;
                entropy -= p * Math.log(p) / 2;
            }
        }
        assertEquals(t * t * entropy, loss(new Distillation(new SoftmaxCrossEntropy(), t), logits, logits, 2, 3, 3),
                1e-5);
    }

    @Test
    void measuresFollowTheObjective() {
        Metrics.Accumulator classes = Metrics.classes(12).start();
        float[] logits = new float[24];
        for (int c = 0; c < 12; c++) {
            logits[c] = c;            // example 0 ranks class 11 first, class 5 seventh
            logits[12 + c] = -c;      // example 1 ranks class 0 first, class 3 fourth
        }
        classes.add(logits, new float[] {5, 3}, 2);
        assertEquals(Map.of("error", 1.0, "top5_error", 0.5), classes.result());
        Metrics.Accumulator binary = Metrics.binary().start();
        binary.add(new float[] {0.3f, -2f, 1f, -0.1f}, new float[] {1, 0, 0, 1}, 4);
        assertEquals(0.5, binary.result().get("error"));
        Metrics.Accumulator regression = Metrics.regression().start();
        regression.add(new float[] {1, 2, 3}, new float[] {2, 2, 6}, 3);
        assertEquals(4.0 / 3, regression.result().get("mae"), 1e-12);
        assertEquals(Math.sqrt(10.0 / 3), regression.result().get("rmse"), 1e-12);
    }

    @Test
    void labelsOutsideTheOutputAreNamedBeforeTraining() {
        Dataset data = Dataset.ofClasses(new float[4 * 2], new int[] {0, 3, 10, 1}, new int[] {2});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SoftmaxCrossEntropy().check(data, 10, "csv:/tmp/x.csv"));
        assertTrue(e.getMessage().contains("example 2 of csv:/tmp/x.csv") && e.getMessage().contains("10 classes"),
                e.getMessage());
        Dataset halves = new Dataset(new float[2], new float[] {1f, 0.5f}, new int[] {1}, 1);
        assertThrows(IllegalArgumentException.class, () -> new SigmoidCrossEntropy().check(halves, 1, "x"));
        assertThrows(IllegalArgumentException.class, () -> new Regression(true).check(halves, 3, "x"),
                "a 3-output regression needs 3 targets per example");
    }

    private static double lse(float[] v, int offset) {
        double s = 0;
        for (int c = 0; c < 3; c++) {
            s += Math.exp(v[offset + c]);
        }
        return Math.log(s);
    }

    /** The objective's loss op on fixed logits (= outputs) and targets. */
    private static double loss(Objective objective, float[] logits, float[] targets, int rows, int units, int width) {
        try (Graph g = new Graph(); Session s = new Session(g);
             TFloat32 l = TFloat32.tensorOf(Shape.of(rows, units), DataBuffers.of(logits, true, false));
             TFloat32 t = TFloat32.tensorOf(Shape.of(rows, width), DataBuffers.of(targets, true, false))) {
            Ops tf = Ops.create(g);
            Placeholder<TFloat32> lp = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, units)));
            Placeholder<TFloat32> tp = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1)));
            Operand<TFloat32> loss = objective.loss(tf, lp, lp, tp);
            try (Result r = s.runner().feed(lp, l).feed(tp, t).fetch(loss).run()) {
                return ((TFloat32) r.get(0)).getFloat();
            }
        }
    }
}
