package io.tflc.lc.cli;

import io.tflc.lc.algorithm.LcReport;
import io.tflc.lc.algorithm.Row;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;

/** {@code report.png}: a run's nested test error (or MAE) and Σ‖w − Δ(Θ)‖² per LC step, on two axes. */
final class ReportChart {
    private ReportChart() {
    }

    /** Draws {@code report}'s chart into {@code folder}'s {@code report.png}; nothing for a run without LC steps. */
    static void write(LcReport report, Path folder, String title) throws IOException {
        if (!report.steps().isEmpty()) {
            Charts.png(of(report, title), folder.resolve("report.png"));
        }
    }

    static XYChart of(LcReport report, String title) {
        XYChart chart = new XYChartBuilder().width(900).height(500).title(title).xAxisTitle("LC step").build();
        List<Row> steps = report.steps();
        double[] x = steps.stream().mapToDouble(Row::step).toArray();
        boolean regression = Double.isNaN(report.reference().testError());
        XYSeries error = chart.addSeries(regression ? "nested test MAE" : "nested test error (%)", x,
                steps.stream().mapToDouble(r -> regression ? r.testMae() : 100 * r.testError()).toArray());
        error.setYAxisGroup(0);
        XYSeries distance = chart.addSeries("Σ ‖w − Δ(Θ)‖²", x, steps.stream()
                .mapToDouble(r -> r.tasks().stream().mapToDouble(Row.TaskRow::distance).sum()).toArray());
        distance.setYAxisGroup(1);
        chart.setYAxisGroupTitle(0, regression ? "test MAE" : "test error (%)");
        chart.setYAxisGroupTitle(1, "‖w − Δ(Θ)‖²");
        chart.getStyler().setYAxisGroupPosition(1, org.knowm.xchart.style.Styler.YAxisPosition.Right);
        return chart;
    }

}
