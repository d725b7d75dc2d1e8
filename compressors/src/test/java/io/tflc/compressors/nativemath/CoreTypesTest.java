package io.tflc.compressors.nativemath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The native-math paths of the C-steps and ID pruning ({@link NativeMathProbe}) give the same numbers under every
 * OpenBLAS core type this CPU can run: the one OpenBLAS detects, Haswell (AVX2) and, where the CPU has AVX-512,
 * SkylakeX. Each runs in a fresh JVM, since OpenBLAS picks its kernels once, when it loads. OpenBLAS 0.3.19 failed
 * exactly this on AVX-512 kernels (issue 12).
 */
class CoreTypesTest {
    /** Different kernels sum in different orders; results agree to this share of their largest value. */
    private static final double TOLERANCE = 1e-8;

    @Test
    void everyCoreTypeGivesTheSameResults() throws IOException, InterruptedException {
        List<String> coreTypes = new ArrayList<>();
        coreTypes.add(null);
        coreTypes.add("Haswell");
        if (cpuHasAvx512()) {
            coreTypes.add("SkylakeX");
        }
        Map<String, Map<String, double[]>> results = new LinkedHashMap<>();
        for (String coreType : coreTypes) {
            results.put(coreType == null ? "detected" : coreType, run(coreType));
        }
        Map<String, double[]> first = results.values().iterator().next();
        double largest = 0;
        for (Map.Entry<String, Map<String, double[]>> entry : results.entrySet()) {
            assertEquals(first.keySet(), entry.getValue().keySet(), entry.getKey());
            for (Map.Entry<String, double[]> expected : first.entrySet()) {
                double difference = NativeMathCheck.difference(entry.getValue().get(expected.getKey()), expected.getValue());
                assertTrue(difference <= TOLERANCE, expected.getKey() + " under " + entry.getKey() + " differs from "
                        + "the detected core's by " + difference + " of its scale");
                largest = Math.max(largest, difference);
            }
        }
        System.out.println("same results under the core types " + results.keySet() + " (largest difference " + largest
                + " of a result's scale)");
    }

    /** The probe's results under {@code coreType} (null: OpenBLAS's own choice), which must be the core that ran. */
    private static Map<String, double[]> run(String coreType) throws IOException, InterruptedException {
        Map<String, String> environment = new HashMap<>();
        environment.put("OPENBLAS_VERBOSE", "2");
        environment.put("OPENBLAS_CORETYPE", coreType);
        FreshJvm.Outcome probe = FreshJvm.run(NativeMathProbe.class, environment, Duration.ofMinutes(5));
        String output = probe.output();
        assertTrue(probe.finished(), "probe timed out:\n" + output);
        assertEquals(0, probe.exitCode(), "probe under OPENBLAS_CORETYPE=" + coreType + " failed:\n" + output);
        Optional<String> core = OpenBlasCore.parse(output);
        assertTrue(core.isPresent(), "OpenBLAS printed no core type:\n" + output);
        if (coreType != null) {
            assertTrue(core.get().equalsIgnoreCase(coreType), "asked for " + coreType + ", OpenBLAS ran " + core.get());
        }
        Map<String, double[]> result = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            String[] fields = line.trim().split(" ");
            if (fields.length > 1 && fields[0].matches("[a-z_]+\\.[a-z_.]+")) {
                double[] values = new double[fields.length - 1];
                for (int i = 1; i < fields.length; i++) {
                    values[i - 1] = Double.parseDouble(fields[i]);
                }
                result.put(fields[0], values);
            }
        }
        assertTrue(result.containsKey("id.t"), "the probe printed no results:\n" + output);
        return result;
    }

    /** A forced AVX-512 kernel on a CPU without AVX-512 dies with SIGILL: ask the CPU first. */
    private static boolean cpuHasAvx512() throws IOException {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        return Files.isReadable(cpuinfo) && Files.readString(cpuinfo).contains(" avx512f");
    }
}
