package io.tflc.lc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.compressors.nativemath.FreshJvm;
import io.tflc.compressors.nativemath.NativeBlas;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TF Java needs javacpp 1.5.10 and ND4J M2.1 brings 1.5.7; with the 1.5.7 natives on the class path ND4J failed
 * to start when initialised before TF. The parent POM keeps only javacpp 1.5.10. This test proves the result in
 * both initialisation orders, each in a fresh JVM (native libraries load once per process), and that every OpenBLAS
 * the process maps (javacpp loads the jar's library under two names) comes from the version pinned in the parent POM,
 * so that ND4J and tf-lc's LAPACK calls run on the checked library, not on the one ND4J was built with (issue 12).
 */
class NativeLibrariesTest {

    @ParameterizedTest
    @ValueSource(strings = {"nd4j,tf", "tf,nd4j"})
    void bothLibrariesWorkInEitherOrder(String order) throws IOException, InterruptedException {
        FreshJvm.Outcome probe = FreshJvm.run(NativeLibrariesProbe.class, Map.of(), Duration.ofMinutes(5),
                order.split(","));
        String output = probe.output();
        assertTrue(probe.finished(), "probe timed out:\n" + output);
        assertEquals(0, probe.exitCode(), "probe failed:\n" + output);
        assertTrue(output.contains("nd4j ok") && output.contains("tf ok"), output);
        String libraries = output.substring(output.indexOf("nd4j ok")).lines().findFirst().orElseThrow();
        String mapped = libraries.substring(libraries.indexOf('[') + 1, libraries.lastIndexOf(']'));
        assertTrue(mapped.contains("libopenblas.so.0"), libraries);
        for (String library : mapped.split(", ")) {
            assertTrue(library.contains("/openblas-" + NativeBlas.version() + "-"), "every OpenBLAS in the process "
                    + "comes from the pinned jar: " + libraries);
        }
        assertTrue(output.indexOf(order.startsWith("nd4j") ? "nd4j ok" : "tf ok")
                < output.indexOf(order.startsWith("nd4j") ? "tf ok" : "nd4j ok"), "ran in the wrong order:\n" + output);
    }
}
