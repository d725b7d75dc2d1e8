package io.tflc.lc.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.tflc.lc.api.PlanRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where a run goes: loopback workers, a cluster file, and a fingerprint that does not depend on either. */
class DistributionTest {
    private static JsonObject plan(String extra) {
        return JsonParser.parseString("{\"model\": {\"savedmodel\": \"m\"}, \"output\": \"o\"" + extra + "}")
                .getAsJsonObject();
    }

    @Test
    void workersOnLoopbackGetPortsOfTheirOwnAndTheCommandLineWins(@TempDir Path dir) throws IOException {
        assertNull(Distribution.of(plan(""), dir, null, null, 0), "one process by default");
        Distribution d = Distribution.of(plan(", \"workers\": 2"), dir, 3, null, 0);
        assertEquals(3, d.cluster().size(), "--workers overrides the plan's");
        assertEquals(3, d.cluster().workers().stream().distinct().count(), d.cluster().workers().toString());
        assertTrue(d.launch() && d.replica().writes());
        assertEquals("grpc://" + d.cluster().workers().get(1), d.cluster().target(1));
    }

    @Test
    void aClusterFileNamesItsWorkersAndBadLinesByName(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("cluster.txt"), "# worker 0 writes\nhost-a:2222\nhost-b:2222  # the other\n");
        Distribution d = Distribution.of(plan(", \"cluster\": \"cluster.txt\""), dir, null, null, 1);
        assertEquals(java.util.List.of("host-a:2222", "host-b:2222"), d.cluster().workers());
        assertTrue(!d.launch() && !d.replica().writes(), "worker 1 of a cluster starts nobody and writes nothing");
        assertEquals("/job:worker/replica:0/task:0",
                d.cluster().sessionConfig(1).getExperimental().getCollectiveGroupLeader());
        Files.writeString(dir.resolve("bad.txt"), "host-a\n");
        IOException e = assertThrows(IOException.class, () -> Cluster.read(dir.resolve("bad.txt")));
        assertTrue(e.getMessage().contains("'host-a' is not host:port"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Distribution.of(plan(""), dir, 3,
                dir.resolve("cluster.txt"), 0), "--workers 3 against a file of 2");
    }

    @Test
    void theWorkersDoNotChangeTheFingerprint() {
        assertEquals(PlanRunner.fingerprint(plan("")), PlanRunner.fingerprint(plan(", \"workers\": 4")));
        assertNotEquals(PlanRunner.fingerprint(plan("")), PlanRunner.fingerprint(plan(", \"seed\": 4")));
    }
}
