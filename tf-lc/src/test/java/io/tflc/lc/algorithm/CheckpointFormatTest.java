package io.tflc.lc.algorithm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tflc.compressors.AdditiveSum;
import io.tflc.compressors.LowRankFactors;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.Quantized;
import io.tflc.compressors.SparseFactors;
import io.tflc.compressors.SparseValues;
import io.tflc.compressors.Theta;
import io.tflc.compressors.Uncompressed;
import io.tflc.compressors.VectorQuantized;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint folder: exact round trip of every Θ, versions, damage and a full disk. */
class CheckpointFormatTest {

    @Test
    void everyKindOfThetaAndTheRunStateRoundTripExactly(@TempDir Path dir) throws IOException {
        Checkpoint written = checkpoint(3, new int[] {2, 0, 1});
        written.write(dir);
        Checkpoint read = Checkpoint.read(dir);

        assertEquals(written.fingerprint(), read.fingerprint());
        assertEquals(3, read.completedSteps());
        assertVariablesEqual(written.modelVariables(), read.modelVariables());
        assertVariablesEqual(written.lStepVariables(), read.lStepVariables());
        assertEquals(written.thetas(), read.thetas());
        assertEquals(written.directThetas(), read.directThetas());
        SparseFactors factors = (SparseFactors) read.thetas().get(5);
        SparseFactors original = (SparseFactors) written.thetas().get(5);
        assertEquals(original.valueScale(), factors.valueScale());
        assertEquals(original.codebookScale(), factors.codebookScale());
        assertEquals(original.terms(), factors.terms());
        assertArrayEquals(original.objectives(), factors.objectives());
        assertArrayEquals(((AdditiveSum) written.thetas().get(6)).sweepObjectives(),
                ((AdditiveSum) read.thetas().get(6)).sweepObjectives());
        assertEquals(written.lambdas(), read.lambdas());
        assertEquals(written.rows(), read.rows());
        assertArrayEquals(written.referencePredictions(), read.referencePredictions());
        assertEquals(written.best().step(), read.best().step());
        assertEquals(written.best().criterion(), read.best().criterion());
        assertEquals(written.best().thetas(), read.best().thetas());
        assertVariablesEqual(written.best().otherWeights(), read.best().otherWeights());
        assertEquals(written.learningRateFactor(), read.learningRateFactor());
        assertEquals(written.worseInARow(), read.worseInARow());
        assertEquals(written.lastCriterion(), read.lastCriterion());
        assertEquals(written.schedule(), read.schedule());
        assertEquals(written.lr0(), read.lr0());
        assertEquals(written.muGrowths(), read.muGrowths());
    }

    @Test
    void aRegressionRunWithoutReferencePredictionsRoundTrips(@TempDir Path dir) throws IOException {
        checkpoint(1, null).write(dir);
        assertNull(Checkpoint.read(dir).referencePredictions());
    }

    @Test
    void aFolderWithoutCheckpointHasNone(@TempDir Path dir) throws IOException {
        assertNull(Checkpoint.read(dir));
    }

    @Test
    void aManifestWrittenBeforeAFieldExistedResumesWithItsDefault(@TempDir Path dir) throws IOException {
        checkpoint(2, new int[] {1}).write(dir);
        JsonObject manifest = manifest(dir);
        for (String field : CheckpointFormat.OPTIONAL.keySet()) {
            manifest.remove(field);
        }
        Files.writeString(dir.resolve(Checkpoint.MANIFEST), manifest.toString());

        Checkpoint read = Checkpoint.read(dir);
        assertEquals(1.0, read.learningRateFactor());
        assertEquals(0, read.worseInARow());
        assertTrue(Double.isNaN(read.lastCriterion()));
        assertTrue(Double.isNaN(read.lr0()));
        assertEquals(-1, read.muGrowths());
        assertEquals(2, read.completedSteps());
    }

    @Test
    void aLaterFormatVersionIsRefusedNamingIt(@TempDir Path dir) throws IOException {
        checkpoint(2, new int[] {1}).write(dir);
        JsonObject manifest = manifest(dir);
        manifest.addProperty("version", CheckpointFormat.VERSION + 1);
        Files.writeString(dir.resolve(Checkpoint.MANIFEST), manifest.toString());

        IOException e = assertThrows(IOException.class, () -> Checkpoint.read(dir));
        assertTrue(e.getMessage().contains("format version " + (CheckpointFormat.VERSION + 1)), e.getMessage());
        assertTrue(e.getMessage().contains("up to " + CheckpointFormat.VERSION), e.getMessage());
    }

    @Test
    void aTruncatedArrayIsRefusedAsDamaged(@TempDir Path dir) throws IOException {
        checkpoint(2, new int[] {1}).write(dir);
        Path npy = largestArray(dir);
        byte[] bytes = Files.readAllBytes(npy);
        Files.write(npy, java.util.Arrays.copyOf(bytes, bytes.length / 2));

        DamagedCheckpointException e = assertThrows(DamagedCheckpointException.class, () -> Checkpoint.read(dir));
        assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("--force"), e.getMessage());
        assertTrue(e.getMessage().contains(npy.getFileName().toString()), e.getMessage());
    }

    @Test
    void aGarbledArrayIsRefusedAsDamaged(@TempDir Path dir) throws IOException {
        checkpoint(2, new int[] {1}).write(dir);
        Path npy = largestArray(dir);
        byte[] bytes = Files.readAllBytes(npy);
        bytes[bytes.length - 3] ^= 0x40;
        Files.write(npy, bytes);

        DamagedCheckpointException e = assertThrows(DamagedCheckpointException.class, () -> Checkpoint.read(dir));
        assertTrue(e.getMessage().contains("CRC"), e.getMessage());
    }

    @Test
    void aManifestWithAGarbledVersionIsRefusedAsDamaged(@TempDir Path dir) throws IOException {
        checkpoint(2, new int[] {1}).write(dir);
        JsonObject manifest = manifest(dir);
        manifest.addProperty("version", "x");
        Files.writeString(dir.resolve(Checkpoint.MANIFEST), manifest.toString());

        DamagedCheckpointException e = assertThrows(DamagedCheckpointException.class, () -> Checkpoint.read(dir));
        assertTrue(e.getMessage().contains("--force"), e.getMessage());
    }

    @Test
    void aTruncatedManifestIsRefusedAsDamaged(@TempDir Path dir) throws IOException {
        checkpoint(2, new int[] {1}).write(dir);
        Path manifest = dir.resolve(Checkpoint.MANIFEST);
        String text = Files.readString(manifest);
        Files.writeString(manifest, text.substring(0, text.length() / 3));

        DamagedCheckpointException e = assertThrows(DamagedCheckpointException.class, () -> Checkpoint.read(dir));
        assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("--force"), e.getMessage());
    }

    @Test
    void aJavaSerializedCheckpointOfAnEarlierTfLcIsRefused(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("checkpoint.bin"), new byte[] {(byte) 0xac, (byte) 0xed, 0, 5});
        IOException e = assertThrows(IOException.class, () -> Checkpoint.read(dir));
        assertTrue(e.getMessage().contains("earlier tf-lc") && e.getMessage().contains("--force"), e.getMessage());
    }

    @Test
    void aFullDiskNamesWhatWasWrittenAndKeepsThePreviousCheckpoint(@TempDir Path dir) throws IOException {
        Checkpoint previous = checkpoint(2, new int[] {1});
        previous.write(dir);
        AtomicInteger files = new AtomicInteger();
        CheckpointTensors.Opener fillsUp = file -> {
            OutputStream out = Files.newOutputStream(file);
            if (files.incrementAndGet() < 3) {
                return out;
            }
            return new FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    super.write(b, off, Math.min(len, 10));
                    throw new IOException("No space left on device");
                }
            };
        };

        IOException e = assertThrows(IOException.class,
                () -> CheckpointFormat.write(checkpoint(3, new int[] {1}), dir, fillsUp));
        assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
        assertTrue(e.getMessage().contains("LC step 3") && e.getMessage().contains("model variable dense_1/bias"),
                e.getMessage());
        Checkpoint kept = Checkpoint.read(dir);
        assertEquals(2, kept.completedSteps());
        assertEquals(previous.thetas(), kept.thetas());
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(2, left.count(), "the manifest and one folder of arrays, nothing half written");
        }
    }

    @Test
    void aNewCheckpointReplacesTheArraysOfThePreviousOne(@TempDir Path dir) throws IOException {
        checkpoint(1, new int[] {1}).write(dir);
        checkpoint(2, new int[] {1}).write(dir);
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(2, left.count());
        }
        assertEquals(2, Checkpoint.read(dir).completedSteps());
    }

    private static Checkpoint checkpoint(int step, int[] predictions) {
        Matrix codebook = Matrix.of(3, 2, new double[] {0.5, -1.25, Math.PI, 1e-300, -0.0, 7});
        List<Theta> thetas = List.of(
                new Quantized(2, 3, new double[] {-0.3, 0.1 / 3, 2}, new int[] {0, 1, 2, 2, 1, 0}, 3),
                new SparseValues(2, 3, new int[] {1, 4}, new double[] {0.25, -1e-7}),
                new SparseValues(2, 3, new int[0], new double[0]),
                new LowRankFactors(Matrix.of(2, 1, new double[] {1, 2}), Matrix.of(1, 3, new double[] {3, 4, 5.5})),
                new Uncompressed(Matrix.of(2, 3, new double[] {1, 2, 3, 4, 5, Double.MIN_VALUE})),
                new SparseFactors(2, 3, Matrix.of(2, 3, new double[] {1, 0, 1, 0, 1, 0.125}), new int[] {1, 0, 0, 1},
                        new double[] {0.5, 0, -2, 0.75}, 2, 4, 0.0625, 32, 0.1, new double[] {3, 2.5}),
                new AdditiveSum(List.of(new Quantized(2, 3, new double[] {-1, 1}, new int[] {0, 1, 0, 1, 0, 1}, 0),
                        new SparseValues(2, 3, new int[] {5}, new double[] {0.3})), new double[] {1.5, 1.25}),
                new VectorQuantized(3, 4, codebook, new int[] {0, 2, 1, 1, 0, 2}));
        List<Matrix> lambdas = thetas.stream().map(t -> Matrix.zeros(t.rows(), t.cols())).toList();
        Map<String, float[]> model = new LinkedHashMap<>();
        model.put("dense/kernel", new float[] {0.1f, -2.5f, Float.MIN_VALUE, step});
        model.put("dense_1/bias", new float[] {3, 4});
        model.put("empty", new float[0]);
        Map<String, float[]> lstep = Map.of("lstep/mu", new float[] {1e-3f}, "slot/momentum", new float[] {-0f, 1});
        List<Row> rows = List.of(
                new Row("reference", 0, 0, 0.1, 0.5, 0.1, 0.6, 0.12, 1000, 1, List.of(), Double.NaN, Double.NaN,
                        Double.NaN, Double.NaN),
                new Row("direct_compression", 0, 1e-3, 0.1, 0.7, 0.2, 0.8, 0.22, 100, 10,
                        List.of(new Row.TaskRow("dense/kernel", "quantize k=2", 100, 0.5, "k=2")), Double.NaN,
                        Double.NaN, Double.NaN, 0.875));
        BestNested best = new BestNested(1, 0.25, thetas, Map.of("dense_1/bias", new float[] {3.5f, 4}));
        return new Checkpoint("sha256:abc", step, model, lstep, thetas, thetas, lambdas, rows, predictions, best,
                0.5, 2, Double.POSITIVE_INFINITY, new MuSchedule(1e-3, 1.1, 30, true), 3e-4, 5);
    }

    private static void assertVariablesEqual(Map<String, float[]> expected, Map<String, float[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((name, values) -> assertArrayEquals(values, actual.get(name), name));
    }

    private static JsonObject manifest(Path dir) throws IOException {
        return JsonParser.parseString(Files.readString(dir.resolve(Checkpoint.MANIFEST))).getAsJsonObject();
    }

    private static Path largestArray(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".npy"))
                    .max(java.util.Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
        }
    }
}
