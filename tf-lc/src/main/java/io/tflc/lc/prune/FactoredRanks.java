package io.tflc.lc.prune;

import io.tflc.compressors.lowrank.FixedRank;
import io.tflc.compressors.lowrank.RankSelection;
import io.tflc.lc.algorithm.Task;
import io.tflc.savedmodels.ModelExporter;
import java.util.ArrayList;
import java.util.List;

/**
 * Ranks of low-rank tasks exported in factored form, kept in multiples of the alignment: a factored layer's rank is
 * the channel count of its inner convolution or the width of its inner product, which TF's CPU kernels process in
 * blocks like pruned channels ({@link Alignment}). Rank selection rounds its chosen rank up
 * ({@link RankSelection#aligned}); a fixed rank the user gave stays as given, and the export's check compares it with
 * the aligned rank below ({@link io.tflc.lc.verify.FactoredFormCheck}).
 */
public final class FactoredRanks {

    private FactoredRanks() {
    }

    /** Whether any task is a factored low-rank task, the only kind the alignment changes or checks. */
    public static boolean concerns(List<Task> tasks) {
        return tasks.stream().anyMatch(t -> t.form() == ModelExporter.Form.FACTORED
                && (t.compression() instanceof RankSelection || t.compression() instanceof FixedRank));
    }

    /** {@code tasks} with each factored rank-selection task's ranks rounded up to multiples of {@code alignment}. */
    public static List<Task> aligned(List<Task> tasks, int alignment) {
        List<Task> out = new ArrayList<>();
        for (Task t : tasks) {
            out.add(t.form() == ModelExporter.Form.FACTORED && t.compression() instanceof RankSelection selection
                    ? new Task(t.name(), t.weights(), t.view(), selection.aligned(alignment), t.form()) : t);
        }
        return out;
    }
}
