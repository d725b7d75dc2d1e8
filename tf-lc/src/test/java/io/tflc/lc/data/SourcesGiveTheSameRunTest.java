package io.tflc.lc.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tflc.lc.FashionMnist;
import io.tflc.lc.TestModels;
import io.tflc.lc.algorithm.LcReport;
import io.tflc.lc.algorithm.LcRun;
import io.tflc.lc.api.PlanRunner;
import io.tflc.lc.plan.PlanParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, acceptance 1: Fashion-MNIST written as TFRecord (PNG-encoded images), a PNG folder tree and .npy arrays;
 * the same plan on each source gives the IDX run's reference error exactly and LC errors within 0.1 points.
 */
class SourcesGiveTheSameRunTest {
    private static final int TRAIN = 4000;
    private static final int TEST = 1000;

    @Test
    void everySourceGivesTheIdxRun(@TempDir Path dir) throws Exception {
        Dataset train = FashionMnist.get().train().head(TRAIN);
        TestModels.trainAndSave(5, 64, train, 2, dir.resolve("reference"));
        FashionMnistFormats.Raw trainRaw = FashionMnistFormats.firstImages(IdxSource.TRAIN, TRAIN);
        FashionMnistFormats.Raw testRaw = FashionMnistFormats.firstImages(IdxSource.TEST, TEST);
        Path formats = Files.createDirectories(dir.resolve("formats"));
        Map<String, String[]> sources = new LinkedHashMap<>();
        sources.put("idx", new String[] {"idx:" + Datasets.FASHION_MNIST, "idx:" + Datasets.FASHION_MNIST});
        sources.put("tfrecord", new String[] {
            "tfrecord:" + FashionMnistFormats.tfrecordOfPngs(trainRaw, 0, TRAIN, formats.resolve("train.tfrecord")),
            "tfrecord:" + FashionMnistFormats.tfrecordOfPngs(testRaw, 0, TEST, formats.resolve("test.tfrecord"))});
        sources.put("images", new String[] {
            "images:" + FashionMnistFormats.pngTree(trainRaw, formats.resolve("png/train")),
            "images:" + FashionMnistFormats.pngTree(testRaw, formats.resolve("png/test"))});
        sources.put("npy", new String[] {
            "npy:" + FashionMnistFormats.npy(trainRaw, Files.createDirectories(formats.resolve("npy/train"))),
            "npy:" + FashionMnistFormats.npy(testRaw, Files.createDirectories(formats.resolve("npy/test")))});

        Map<String, LcReport> reports = new LinkedHashMap<>();
        for (Map.Entry<String, String[]> source : sources.entrySet()) {
            Path plan = Files.writeString(dir.resolve(source.getKey() + ".json"), """
                    {"model": {"savedmodel": "reference"},
                     "data": {"train": "%s", "test": "%s", "scale": 0.00392156862745098,
                              "train_limit": %d, "test_limit": %d},
                     "tasks": [{"weights": "re:dense.*/kernel", "compression": {"type": "adaptive_codebook", "k": 2}}],
                     "schedule": {"mu0": 1e-3, "growth": 2, "steps": 3},
                     "l_step": {"epochs": 1, "lr0": 0.02},
                     "output": "run-%s"}""".formatted(source.getValue()[0], source.getValue()[1], TRAIN, TEST,
                    source.getKey()));
            reports.put(source.getKey(), PlanRunner.run(PlanParser.parse(plan), PlanParser.fingerprint(plan),
                    source.getKey(), PlanRunner.Options.NEW, new LcRun.Listener() { }).report());
        }
        LcReport idx = reports.get("idx");
        reports.forEach((kind, report) -> {
            System.out.printf(Locale.ROOT, "%-8s reference %.2f%%  DC %.2f%%  LC %.2f%%%n", kind,
                    100 * report.reference().testError(), 100 * report.directCompression().testError(),
                    100 * report.finalRow().testError());
            assertEquals(idx.reference().testError(), report.reference().testError(), 0, kind + ": reference");
            assertEquals(idx.finalRow().testError(), report.finalRow().testError(), 0.001, kind + ": LC");
        });
    }
}
