package io.tflc.examples.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tflc.lc.data.Datasets;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code tf-lc experiments --quick} end to end on a two-scheme LeNet300 definition with a tiny schedule: trains the
 * reference, runs both schemes, writes the tables; a second run continues (same rows, nothing retrained); one
 * scheme alone keeps the other in the table; a changed definition is refused until {@code --force}.
 */
class ExperimentsCommandTest {
    private static final String DEFINITION = """
            {
              "model": "lenet300", "title": "LeNet300 test", "reference_epochs": 1,
              "schedule": {"mu0": 1e-3, "growth": 3, "steps": 2},
              "l_step": {"epochs": 1, "batch_size": 128, "lr0": 0.02},
              "seed": 1,
              "quick": {"reference_epochs": 1, "train_limit": 3000, "test_limit": 1000,
                        "schedule": {"mu0": 1e-3, "growth": 3, "steps": 2}, "epochs": 1},
              "schemes": [
                {"name": "k2", "label": "k = 2", "tasks": [{"name": "kernels", "weights": "re:dense(_\\\\d+)?/kernel",
                  "compression": {"type": "adaptive_codebook", "k": 2}}]},
                {"name": "prune", "label": "keep 5%", "tasks": [{"name": "all", "weights": "re:dense(_\\\\d+)?/kernel",
                  "view": "concatenated", "compression": {"type": "l0_constraint", "fraction": 0.05}}]}
              ]
            }
            """;

    @AfterEach
    void clearHome() {
        System.clearProperty("tflc.home");
    }

    @Test
    void runsEverySchemeWritesTablesAndContinues(@TempDir Path home) throws Exception {
        assumeTrue(Files.isDirectory(Datasets.FASHION_MNIST),
                "Fashion-MNIST is missing at " + Datasets.FASHION_MNIST + ": apt-get install -y dataset-fashion-mnist");
        Path definitions = Files.createDirectories(home.resolve("examples/experiments"));
        Files.writeString(definitions.resolve("lenet300.json"), DEFINITION);
        System.setProperty("tflc.home", home.toString());
        Path tables = home.resolve("runs/quick/results/lenet300");

        assertEquals(0, run("--quick"), "first run");
        String markdown = Files.readString(tables.resolve("table.md"));
        JsonObject first = JsonParser.parseString(Files.readString(tables.resolve("table.json"))).getAsJsonObject();
        JsonArray schemes = first.getAsJsonArray("schemes");
        assertEquals(2, schemes.size());
        JsonObject k2 = schemes.get(0).getAsJsonObject();
        assertEquals("k2", k2.get("name").getAsString());
        // Three 1-bit kernels: the bits ratio is LeNet300's 30.5×, and both DC and LC files are far smaller.
        assertEquals(30.5, k2.getAsJsonObject("lc").get("ratio_bits").getAsDouble(), 0.1);
        for (String stage : new String[] {"direct_compression", "lc"}) {
            double disk = k2.getAsJsonObject(stage).get("ratio_disk").getAsDouble();
            assertTrue(disk > 15, stage + " on disk only " + disk + "× smaller");
        }
        assertNotEquals(k2.getAsJsonObject("direct_compression").get("test_error").getAsDouble(),
                k2.getAsJsonObject("lc").get("test_error").getAsDouble(), "LC steps changed the model");
        assertTrue(markdown.contains("| k = 2 | DC |") && markdown.contains("| keep 5% | DC |"), markdown);
        assertTrue(markdown.contains("--quick"), "the table names its command");
        byte[] png = Files.readAllBytes(tables.resolve("chart.png"));
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(png, 4));

        assertEquals(0, run("--quick"), "second run continues from the checkpoints");
        JsonObject second = JsonParser.parseString(Files.readString(tables.resolve("table.json"))).getAsJsonObject();
        assertEquals(first.get("schemes"), second.get("schemes"), "finished schemes are reported, not re-run");

        assertEquals(0, run("--quick", "--scheme", "k2"), "one scheme");
        JsonObject one = JsonParser.parseString(Files.readString(tables.resolve("table.json"))).getAsJsonObject();
        assertEquals(first.get("schemes"), one.get("schemes"), "the table keeps the finished scheme not asked for");

        Files.writeString(definitions.resolve("lenet300.json"), DEFINITION.replace("\"steps\": 2}, \"epochs\"",
                "\"steps\": 3}, \"epochs\""));
        StringWriter err = new StringWriter();
        assertEquals(1, run(err, "--quick", "--scheme", "k2"));
        assertTrue(err.toString().contains("--force"), err.toString());
        assertEquals(0, run("--quick", "--scheme", "k2", "--force"));
        JsonObject forced = JsonParser.parseString(Files.readString(tables.resolve("table.json"))).getAsJsonObject();
        assertEquals(1, forced.getAsJsonArray("schemes").size(),
                "a scheme that ran under another definition is left out of the table");
    }

    private static int run(String... args) {
        return run(new StringWriter(), args);
    }

    private static int run(StringWriter err, String... args) {
        CommandLine cli = new CommandLine(new ExperimentsCommand());
        cli.setErr(new PrintWriter(err, true));
        cli.setExecutionExceptionHandler((e, line, result) -> {
            line.getErr().println(e.getMessage());
            return 1;
        });
        return cli.execute(args);
    }
}
