package io.tflc.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.lc.data.Datasets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Issue 13: {@code train-reference --out} follows the output rules before it trains anything. */
class TrainReferenceCommandTest {

    @Test
    void refusesAFolderItDidNotMakeAndOneInsideItsData(@TempDir Path dir) throws Exception {
        Path theirs = Files.createDirectories(dir.resolve("theirs"));
        Files.writeString(theirs.resolve("saved_model.pb"), "someone else's model");
        assertTrue(failure("--out", theirs.toString(), "--force").contains("did not write"));
        assertEquals("someone else's model", Files.readString(theirs.resolve("saved_model.pb")));

        String inside = failure("--out", Datasets.FASHION_MNIST.resolve("reference").toString());
        assertTrue(inside.contains("lies inside the data " + Datasets.FASHION_MNIST), inside);
    }

    private static String failure(String... args) {
        String[] message = {null};
        int status = new CommandLine(new TrainReferenceCommand()).setExecutionExceptionHandler((e, cli, parsed) -> {
            message[0] = e.getMessage();
            return 1;
        }).execute(args);
        assertEquals(1, status, "refused");
        return message[0];
    }
}
