package io.tflc.lc.algorithm;

import io.tflc.compressors.Matrix;
import io.tflc.compressors.Theta;
import java.io.IOException;
import java.io.InputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * The full state of an LC run after a completed step: every model variable, the L-step's variables (optimizer
 * slots, μ, learning rate, targets), Θ and λ of every task, and the report rows so far. Minibatch shuffling needs
 * no state: each LC step seeds its own generator from (seed, step).
 *
 * @param fingerprint identifies the plan (and model) the run belongs to; a resume with another plan is refused
 * @param completedSteps LC steps done (0: only the reference and DC)
 * @param directThetas Θ of direct compression, for its size on disk in the report
 * @param referencePredictions the reference's predicted test classes (agreement), null for regression
 * @param best the best nested model so far (what is exported)
 * @param learningRateFactor what the plan's learning rate is multiplied by (halved each time the nested criterion
 *     got worse several steps in a row)
 * @param worseInARow LC steps in a row, up to the last, whose nested criterion was worse than the step before
 * @param lastCriterion the nested criterion of the last completed step
 * @param schedule the μ schedule the run uses (a derived one is measured once, at DC)
 */
public record Checkpoint(String fingerprint, int completedSteps, Map<String, float[]> modelVariables,
                         Map<String, float[]> lStepVariables, List<Theta> directThetas, List<Theta> thetas,
                         List<Matrix> lambdas, List<Row> rows, int[] referencePredictions, BestNested best,
                         double learningRateFactor, int worseInARow, double lastCriterion,
                         MuSchedule schedule)
        implements Serializable {

    private static final long serialVersionUID = 5L;
    public static final String FILE = "checkpoint.bin";

    /** Writes to {@code folder} under a temporary name, syncs, and moves it over the previous checkpoint. */
    public void write(Path folder) throws IOException {
        Files.createDirectories(folder);
        Path tmp = Files.createTempFile(folder, ".checkpoint", ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp);
                 ObjectOutputStream objects = new ObjectOutputStream(new java.io.BufferedOutputStream(out, 1 << 16))) {
                objects.writeObject(this);
            }
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(tmp, folder.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The checkpoint in {@code folder}, or null when there is none. */
    public static Checkpoint read(Path folder) throws IOException {
        Path file = folder.resolve(FILE);
        if (!Files.exists(file)) {
            return null;
        }
        try (InputStream in = Files.newInputStream(file);
             ObjectInputStream objects = new ObjectInputStream(new java.io.BufferedInputStream(in, 1 << 16))) {
            return (Checkpoint) objects.readObject();
        } catch (ClassNotFoundException | InvalidClassException | ClassCastException e) {
            throw new IOException(file + " was written by another tf-lc version and cannot be resumed: " + e, e);
        }
    }
}
