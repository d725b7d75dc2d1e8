package io.tflc.lc.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorBoardLogTest {

    @Test
    void writesAnEventFileWithTheScalars(@TempDir Path dir) throws Exception {
        try (TensorBoardLog log = new TensorBoardLog(dir)) {
            for (int step = 0; step < 5; step++) {
                log.scalar("nested/test_error", step, 0.5 / (step + 1));
            }
            log.scalar("lc/mu", 1, 1e-3);
        }
        List<Path> events;
        try (var files = Files.list(dir)) {
            events = files.filter(f -> f.getFileName().toString().startsWith("events.out.tfevents")).toList();
        }
        assertEquals(1, events.size(), "one event file");
        String content = new String(Files.readAllBytes(events.get(0)), StandardCharsets.ISO_8859_1);
        assertTrue(content.contains("nested/test_error") && content.contains("lc/mu"), "the scalars' tags are written");
    }
}
