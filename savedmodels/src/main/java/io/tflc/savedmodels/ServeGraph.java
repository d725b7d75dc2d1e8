package io.tflc.savedmodels;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;

/** The meta graph a SavedModel serves with (tag {@code serve}), parsed from its file without running anything. */
public final class ServeGraph {
    private ServeGraph() {
    }

    /** The MetaGraphDef tagged {@code serve}, or an error that names the file and what is wrong with it. */
    public static MetaGraphDef read(Path dir) {
        Path pb = dir.resolve("saved_model.pb");
        if (!Files.isRegularFile(pb)) {
            throw new IllegalArgumentException(dir + " is not a SavedModel: it has no saved_model.pb"
                    + (Files.isRegularFile(dir.resolve("saved_model.pbtxt")) ? " (text SavedModels are not supported)"
                    : ""));
        }
        SavedModel model;
        try {
            model = SavedModel.parseFrom(Files.readAllBytes(pb));
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(pb + " is truncated or corrupt (not a SavedModel protobuf: "
                    + e.getMessage() + "); export the model again", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (MetaGraphDef meta : model.getMetaGraphsList()) {
            if (meta.getMetaInfoDef().getTagsList().contains(SavedModelWriter.SERVE)) {
                return meta;
            }
        }
        throw new IllegalArgumentException(pb + " has no graph tagged 'serve'; its tags: " + model.getMetaGraphsList()
                .stream().map(m -> m.getMetaInfoDef().getTagsList().toString()).collect(Collectors.joining(", ")));
    }
}
