package io.tflc.lc.report;

import io.tflc.lc.algorithm.LcRun;
import io.tflc.lc.algorithm.Row;
import java.nio.file.Path;

/**
 * Logs an LC run to TensorBoard and passes every event on: per LC step the nested model's test error and training
 * loss, μ, the learning rate, and per task ‖w − Δ(Θ)‖² and bits; per epoch the L-step's loss.
 */
public final class TensorBoardListener implements LcRun.Listener, AutoCloseable {
    private final TensorBoardLog log;
    private final LcRun.Listener next;
    private long epochs;

    public TensorBoardListener(Path logdir, LcRun.Listener next) {
        this.log = new TensorBoardLog(logdir);
        this.next = next;
    }

    @Override
    public void stepStarted(int step, int steps, double mu, int epochsInStep, int batchesPerEpoch) {
        next.stepStarted(step, steps, mu, epochsInStep, batchesPerEpoch);
    }

    @Override
    public void batchFinished() {
        next.batchFinished();
    }

    @Override
    public void notice(String message) {
        next.notice(message);
    }

    @Override
    public void reportWritten(io.tflc.lc.algorithm.LcReport report, Path folder, String title)
            throws java.io.IOException {
        next.reportWritten(report, folder, title);
    }

    @Override
    public void epochFinished(int step, int epoch, double loss) {
        log.scalar("lstep/loss", ++epochs, loss);
        next.epochFinished(step, epoch, loss);
    }

    @Override
    public void row(Row row) {
        long x = row.step();
        for (var metric : java.util.Map.of("nested/test_error", row.testError(), "nested/test_mae", row.testMae(),
                "nested/test_rmse", row.testRmse(), "nested/agreement", row.agreement()).entrySet()) {
            if (!Double.isNaN(metric.getValue())) {
                log.scalar(metric.getKey(), x, metric.getValue());
            }
        }
        log.scalar("nested/train_loss", x, row.trainLoss());
        if (!row.stage().equals("reference")) {
            log.scalar("lc/mu", x, row.mu());
            log.scalar("lc/learning_rate", x, row.learningRate());
            for (Row.TaskRow task : row.tasks()) {
                String name = task.task().replaceAll("[^A-Za-z0-9_.\\-/]", "_");
                log.scalar("task/" + name + "/distance", x, task.distance());
                log.scalar("task/" + name + "/bits", x, task.bits());
            }
        }
        log.flush();
        next.row(row);
    }

    @Override
    public void close() {
        log.close();
    }
}
