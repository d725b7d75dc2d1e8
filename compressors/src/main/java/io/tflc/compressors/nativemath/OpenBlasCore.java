package io.tflc.compressors.nativemath;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * The core type (kernel set) that OpenBLAS's dynamic dispatch chose for this CPU, such as {@code Haswell} or
 * {@code SkylakeX}. OpenBLAS tells it through {@code openblas_get_corename}, which the javacpp presets do not map, or
 * on standard error when it loads with {@code OPENBLAS_VERBOSE=2}; so {@link #detect()} starts a short child JVM on
 * this class path that loads OpenBLAS that way, and reads its line. It costs about a second: call it for messages
 * and tests, not on a hot path.
 */
public final class OpenBlasCore {
    private static final Pattern CORE = Pattern.compile("^Core: (\\S+)", Pattern.MULTILINE);

    private OpenBlasCore() {
    }

    /** The core type OpenBLAS chooses here (under this process's environment), or empty when it could not be read. */
    public static Optional<String> detect() {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
                OpenBlasCore.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("OPENBLAS_VERBOSE", "2");
        try {
            Process process = builder.start();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return Optional.empty();
            }
            return parse(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** The last "Core: NAME" line OpenBLAS printed with {@code OPENBLAS_VERBOSE=2}. */
    static Optional<String> parse(String output) {
        Matcher matcher = CORE.matcher(output);
        String core = null;
        while (matcher.find()) {
            core = matcher.group(1);
        }
        return Optional.ofNullable(core);
    }

    /** The child: loading OpenBLAS makes it print its core type when {@code OPENBLAS_VERBOSE=2}. */
    public static void main(String[] args) {
        Loader.load(openblas_nolapack.class);
    }
}
