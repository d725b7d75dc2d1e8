package io.tflc.savedmodels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sizes on disk: every file counted once, variables apart, also through a folder that is a symbolic link. */
class SavedModelSizeTest {

    @Test
    void aModelFolderReachedThroughASymbolicLinkMeasuresAsItself(@TempDir Path dir) throws Exception {
        Path model = Files.createDirectories(dir.resolve("model"));
        Files.write(model.resolve("saved_model.pb"), new byte[300]);
        Files.createDirectories(model.resolve("variables"));
        Files.write(model.resolve("variables").resolve("variables.data-00000-of-00001"), new byte[1000]);
        Files.write(model.resolve("variables").resolve("variables.index"), new byte[20]);
        Path link = Files.createSymbolicLink(dir.resolve("link"), model);

        SavedModelSize direct = SavedModelSize.of(model);
        assertEquals(1320, direct.total());
        assertEquals(1020, direct.variables());
        assertEquals(300, direct.graph());
        assertEquals(direct, SavedModelSize.of(link), "the link measured 0 bytes before");
    }
}
