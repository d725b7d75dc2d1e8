package io.tflc.examples.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.examples.ReferenceModels;
import io.tflc.lc.algorithm.LcRun;
import io.tflc.lc.algorithm.Task;
import io.tflc.lc.plan.Plan;
import io.tflc.lc.plan.PlanParser;
import io.tflc.lc.plan.TaskSpec;
import io.tflc.savedmodels.TrainableModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped experiment definitions make valid plans whose tasks fit their model; bad definitions are refused. */
class ExperimentDefinitionsTest {
    private static final Path DEFINITIONS = Path.of("experiments");

    @Test
    void everyShippedSchemeResolvesOnItsModel(@TempDir Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(DEFINITIONS)) {
            files = list.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertEquals(List.of("lenet300.json", "lenet5.json", "resnet20.json"), files.stream()
                .map(p -> p.getFileName().toString()).toList());
        for (Path file : files) {
            ExperimentDefinition definition = ExperimentDefinition.read(file);
            assertEquals(definition.model().equals("resnet20") ? 4 : 6, definition.schemes().size(), file.toString());
            try (TrainableModel model = ReferenceModels.build(definition.model(), 1)) {
                for (boolean quick : new boolean[] {false, true}) {
                    for (ExperimentDefinition.Scheme scheme : definition.schemes()) {
                        Plan plan = PlanParser.parse(definition.plan(scheme, dir.resolve("reference"),
                                dir.resolve("out"), quick), dir);
                        List<Task> tasks = new ArrayList<>();
                        for (TaskSpec spec : plan.tasks()) {
                            tasks.addAll(spec.resolve(model));
                        }
                        // The constructor refuses a weight compressed by two tasks and weights the model lacks.
                        new LcRun(model, tasks, plan.schedule(), plan.lStep(), null, null, plan.seed(),
                                new LcRun.Listener() { }, null, "");
                        assertEquals(quick || definition.trainLimit() > 0, plan.data().trainLimit() > 0,
                                scheme.name());
                    }
                }
            }
        }
    }

    @Test
    void aMisspelledKeyOrModelIsNamed(@TempDir Path dir) throws IOException {
        String good = Files.readString(DEFINITIONS.resolve("lenet300.json"));
        Path typo = dir.resolve("typo.json");
        Files.writeString(typo, good.replace("\"reference_epochs\": 15", "\"reference_epoch\": 15"));
        IOException e = assertThrows(IOException.class, () -> ExperimentDefinition.read(typo));
        assertTrue(e.getMessage().contains("reference_epoch'"), e.getMessage());

        Files.writeString(typo, good.replace("\"model\": \"lenet300\"", "\"model\": \"lenet301\""));
        e = assertThrows(IOException.class, () -> ExperimentDefinition.read(typo));
        assertTrue(e.getMessage().contains("lenet301") && e.getMessage().contains("lenet5"), e.getMessage());

        Files.writeString(typo, good.replace("\"seed\": 1", "\"seed\": \"one\""));
        e = assertThrows(IOException.class, () -> ExperimentDefinition.read(typo));
        assertFalse(e.getMessage().isBlank());
    }
}
