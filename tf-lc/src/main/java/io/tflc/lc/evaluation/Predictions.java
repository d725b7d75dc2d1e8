package io.tflc.lc.evaluation;

import io.tflc.lc.data.Dataset;
import io.tflc.lc.data.BatchSource;
import io.tflc.savedmodels.TrainableModel;
import org.tensorflow.Result;
import org.tensorflow.types.TFloat32;

/** A model's predicted classes (argmax of the logits) on a dataset, and the measures built on them. */
public final class Predictions {
    private Predictions() {
    }

    public static int[] of(TrainableModel model, Dataset data) {
        int[] predictions = new int[data.size()];
        int[] at = {0};
        try (BatchSource batches = data.batchesFor(model, 500)) {
            batches.inOrder(batch -> {
                try (Result r = model.session().runner().feed(model.input(), batch.features()).fetch(model.logits())
                        .run()) {
                    int[] best = argmax((TFloat32) r.get(0));
                    for (int i = 0; i < batch.size(); i++) { // a padded batch's real rows come first
                        predictions[at[0]++] = best[i];
                    }
                }
            });
        }
        return predictions;
    }

    /** The class with the largest score in each row of a [batch, classes] tensor. */
    public static int[] argmax(TFloat32 scores) {
        int n = (int) scores.shape().size(0);
        int classes = (int) scores.shape().size(1);
        float[] v = new float[n * classes];
        scores.asRawTensor().data().asFloats().read(v);
        int[] best = new int[n];
        for (int i = 0; i < n; i++) {
            for (int c = 1; c < classes; c++) {
                if (v[i * classes + c] > v[i * classes + best[i]]) {
                    best[i] = c;
                }
            }
        }
        return best;
    }

    public static double accuracy(int[] predictions, Dataset data) {
        int right = 0;
        for (int i = 0; i < predictions.length; i++) {
            right += predictions[i] == data.label(i) ? 1 : 0;
        }
        return (double) right / predictions.length;
    }

    /** Share of examples on which both predict the same class. */
    public static double agreement(int[] a, int[] b) {
        int same = 0;
        for (int i = 0; i < a.length; i++) {
            same += a[i] == b[i] ? 1 : 0;
        }
        return (double) same / a.length;
    }
}
