package io.tflc.compressors.nativemath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class OpenBlasCoreTest {

    @Test
    void readsTheLastCoreLineOpenBlasPrints() {
        assertEquals(Optional.of("Cooperlake"), OpenBlasCore.parse("Core not found: \nCore: Cooperlake\nCore: Cooperlake\n"));
        assertEquals(Optional.empty(), OpenBlasCore.parse("no such line"));
    }

    @Test
    void detectsTheCoreOfThisMachine() {
        Optional<String> core = OpenBlasCore.detect();
        assertTrue(core.isPresent(), "OpenBLAS printed no core type");
        String forced = System.getenv("OPENBLAS_CORETYPE");
        if (forced != null) {
            assertTrue(core.get().equalsIgnoreCase(forced), core.get() + " under OPENBLAS_CORETYPE=" + forced);
        }
    }
}
