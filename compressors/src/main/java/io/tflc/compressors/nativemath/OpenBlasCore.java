package io.tflc.compressors.nativemath;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * The core type (kernel set) that OpenBLAS's dynamic dispatch chose for this CPU, such as {@code Haswell} or
 * {@code SkylakeX}. OpenBLAS tells it through {@code openblas_get_corename}, which the javacpp presets do not map, or
 * on standard error when it loads with {@code OPENBLAS_VERBOSE=2}; so {@link #detect()} starts a short
 * {@link FreshJvm} that loads OpenBLAS that way, and reads its line. It costs about a second: call it for messages
 * and tests, not on a hot path.
 */
public final class OpenBlasCore {
    private static final Pattern CORE = Pattern.compile("^Core: (\\S+)", Pattern.MULTILINE);

    private OpenBlasCore() {
    }

    /** The core type OpenBLAS chooses here (under this process's environment), or empty when it could not be read. */
    public static Optional<String> detect() {
        try {
            FreshJvm.Outcome child = FreshJvm.run(OpenBlasCore.class, Map.of("OPENBLAS_VERBOSE", "2"),
                    Duration.ofMinutes(1));
            return child.finished() ? parse(child.output()) : Optional.empty();
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
