package io.tflc.lc.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.lc.FashionMnist;
import io.tflc.lc.algorithm.LcReport;
import io.tflc.lc.cli.CliRun;
import io.tflc.lc.cli.CompressCommand;
import io.tflc.lc.cli.EvaluateCommand;
import io.tflc.lc.data.Dataset;
import io.tflc.lc.data.Minibatches;
import io.tflc.lc.lstep.LStepGraph;
import io.tflc.lc.lstep.Optimizer;
import io.tflc.lc.report.ReportWriter;
import io.tflc.savedmodels.ModelExporter;
import io.tflc.savedmodels.TrainableModel;
import io.tflc.savedmodels.layers.LayerGraph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.tensorflow.Graph;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Issue 14, acceptance 4: a 20-class classifier (Fashion-MNIST regrouped: each class split by whether an image is
 * brighter than its class's median) is compressed with the classes taken from its output, labels 10..19 accepted,
 * top-5 error reported; data as .npy arrays.
 */
class TwentyClassesTest {

    @Test
    void classesComeFromTheOutput(@TempDir Path dir) throws Exception {
        Dataset train = regrouped(FashionMnist.get().train().head(6000));
        Dataset test = regrouped(FashionMnist.get().test().head(2000));
        LayerGraph layers = new LayerGraph(new Graph(), 11);
        Placeholder<TFloat32> input = layers.input(784);
        try (TrainableModel model = layers.build(input,
                layers.dense("dense_1", layers.dense("dense", input, 128, true), 20, false));
             Minibatches batches = new Minibatches(train, 64)) {
            LStepGraph training = new LStepGraph(model, List.of(), new Optimizer(Optimizer.ADAM, 0.9));
            training.setLearningRate(1e-3);
            for (int epoch = 0; epoch < 4; epoch++) {
                training.epoch(batches, train.shuffledIndices(new SplittableRandom(epoch)), () -> { });
            }
            ModelExporter.write(model, dir.resolve("reference"), false);
        }
        npy(train, Files.createDirectories(dir.resolve("train")));
        npy(test, Files.createDirectories(dir.resolve("test")));

        CliRun run = CliRun.of(new CompressCommand(), "--model", dir.resolve("reference").toString(),
                "--data", "npy:" + dir.resolve("train"), "--test-data", "npy:" + dir.resolve("test"),
                "--task", "re:dense.*/kernel=codebook:4", "--steps", "4", "--out", dir.resolve("run").toString());
        assertEquals(0, run.status(), run.all());
        assertTrue(run.output().contains("objective softmax_cross_entropy"), run.all());
        LcReport report = ReportWriter.read(dir.resolve("run")).report();
        double error = report.finalRow().testError();
        double top5 = report.finalRow().testTop5Error();
        System.out.printf("20 classes: reference error %.2f%% (top-5 %.2f%%), LC k=4 %.2f%% (top-5 %.2f%%)%n",
                100 * report.reference().testError(), 100 * report.reference().testTop5Error(), 100 * error,
                100 * top5);
        assertFalse(Double.isNaN(top5), "top-5 error is reported beyond 10 classes");
        assertTrue(top5 < error && error < 0.5, "a 20-class model that learnt: error " + error + ", top-5 " + top5);

        CliRun evaluated = CliRun.of(new EvaluateCommand(), "--model", dir.resolve("run/model").toString(),
                "--data", "npy:" + dir.resolve("test"));
        assertEquals(0, evaluated.status(), evaluated.all());
        assertTrue(evaluated.output().contains("top5-error"), evaluated.all());
    }

    /** Class c becomes 2c or 2c + 1: whether the image's mean pixel is above its class's median. */
    private static Dataset regrouped(Dataset data) {
        float[] x = data.features();
        double[] means = new double[data.size()];
        for (int i = 0; i < data.size(); i++) {
            for (int j = 0; j < 784; j++) {
                means[i] += x[i * 784 + j] / 784;
            }
        }
        double[] medians = new double[10];
        for (int c = 0; c < 10; c++) {
            int cls = c;
            double[] of = java.util.stream.IntStream.range(0, data.size()).filter(i -> data.label(i) == cls)
                    .mapToDouble(i -> means[i]).sorted().toArray();
            medians[c] = of[of.length / 2];
        }
        int[] labels = new int[data.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = 2 * data.label(i) + (means[i] > medians[data.label(i)] ? 1 : 0);
        }
        return Dataset.ofClasses(x, labels, new int[] {784});
    }

    private static void npy(Dataset data, Path folder) throws Exception {
        try (INDArray x = Nd4j.create(data.features(), new long[] {data.size(), 784}, DataType.FLOAT);
             INDArray y = Nd4j.createFromArray(Arrays.stream(data.labels()).asLongStream().toArray())) {
            Nd4j.writeAsNumpy(x, folder.resolve("x.npy").toFile());
            Nd4j.writeAsNumpy(y, folder.resolve("y.npy").toFile());
        }
    }
}
