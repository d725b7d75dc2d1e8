package io.tflc.lc.distributed;

import com.google.gson.Gson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a follower process needs to run its part of a plan, written by the leader as JSON beside the workers' logs:
 * the plan's text and base folder, its fingerprint and title, the cluster, this worker's index, whether the run
 * resumes (from {@code checkpoints}, worker 0's) and how far the model is trusted.
 */
public record WorkerSpec(String plan, String planBase, String fingerprint, String title, List<String> cluster,
                         int index, boolean resume, String trust, String checkpoints) {

    public void write(Path file) throws IOException {
        Files.writeString(file, new Gson().toJson(this), StandardCharsets.UTF_8);
    }

    public static WorkerSpec read(Path file) throws IOException {
        return new Gson().fromJson(Files.readString(file, StandardCharsets.UTF_8), WorkerSpec.class);
    }
}
