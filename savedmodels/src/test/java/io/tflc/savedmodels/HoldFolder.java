package io.tflc.savedmodels;

import java.nio.file.Path;
import java.util.Map;

/** Claims the folder given as argument, says so on stdout and holds it until killed: another process for the lock test. */
public final class HoldFolder {
    private HoldFolder() {
    }

    public static void main(String[] args) throws Exception {
        try (OutputFolder ignored = OutputFolder.claim(Path.of(args[0]), Map.of(), "the lock test's holder")) {
            System.out.println("held");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
