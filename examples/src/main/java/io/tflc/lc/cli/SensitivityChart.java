package io.tflc.lc.cli;

import io.tflc.lc.sensitivity.LadderEntry;
import io.tflc.lc.sensitivity.SensitivityReport;
import io.tflc.lc.sensitivity.Trial;
import io.tflc.lc.sensitivity.WeightSensitivity;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler;

/** {@code sensitivity.png}: per weight, the rise of the headline measure under each rung of its ladder. */
final class SensitivityChart {
    /** Shades per family, mild to harsh, so that a family reads as one colour in the chart. */
    private static final Map<LadderEntry.Family, Color[]> SHADES = Map.of(
            LadderEntry.Family.CODEBOOK, new Color[] {new Color(158, 202, 225), new Color(66, 146, 198),
                    new Color(8, 69, 148)},
            LadderEntry.Family.PRUNING, new Color[] {new Color(253, 190, 133), new Color(253, 141, 60),
                    new Color(217, 71, 1)},
            LadderEntry.Family.LOW_RANK, new Color[] {new Color(161, 217, 155), new Color(65, 171, 93),
                    new Color(0, 109, 44)},
            LadderEntry.Family.COMBINED, new Color[] {new Color(117, 107, 177)});

    private SensitivityChart() {
    }

    /** Draws {@code report}'s chart into {@code folder}'s {@code sensitivity.png}. */
    static void write(SensitivityReport report, Path folder, String title) throws IOException {
        Charts.png(of(report, title), folder.resolve("sensitivity.png"));
    }

    /**
     * Bars grouped by weight, one per ladder rung (rungs a weight lacks, such as ranks that save nothing: none), on
     * a logarithmic axis: what decides a plan is the difference between a tenth of a point and a few points, which a
     * linear axis flattens next to a rung that ruins the model. Rises below {@link #floor} (and falls) are drawn at
     * the floor, as a stub.
     */
    static CategoryChart of(SensitivityReport report, String title) {
        List<String> weights = report.weights().stream().map(WeightSensitivity::weight).toList();
        Map<String, LadderEntry> rungs = new LinkedHashMap<>();
        report.weights().forEach(w -> w.trials().forEach(t -> rungs.putIfAbsent(t.entry().key(), t.entry())));
        int width = Math.min(2400, Math.max(900, 200 + weights.size() * (rungs.size() * 14 + 40)));
        double scale = report.rate() ? 100 : 1;
        double floor = floor(report);
        String rise = String.format(Locale.ROOT, "validation %s increase%s (log scale; %s or less: the stub)",
                report.measureTitle(), report.rate() ? " in points" : "", new java.math.BigDecimal(floor)
                        .round(new java.math.MathContext(2)).stripTrailingZeros().toPlainString());
        CategoryChart chart = new CategoryChartBuilder().width(width).height(600)
                .title("Sensitivity: " + title + " (only that weight compressed)").xAxisTitle("weight")
                .yAxisTitle(rise).build();
        chart.getStyler().setOverlapped(false);
        chart.getStyler().setYAxisLogarithmic(true);
        // Below the floor, so that a rung at the floor still shows as a stub rather than as nothing.
        chart.getStyler().setYAxisMin(floor / 3);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setXAxisLabelRotation(weights.size() > 6 ? 30 : 0);
        chart.getStyler().setPlotGridVerticalLinesVisible(false);
        Map<LadderEntry.Family, Integer> shade = new LinkedHashMap<>();
        for (LadderEntry rung : rungs.values()) {
            List<Double> values = new ArrayList<>();
            for (WeightSensitivity w : report.weights()) {
                Double v = null;
                for (Trial t : w.trials()) {
                    if (t.entry().key().equals(rung.key())) {
                        v = Math.max(floor, scale * report.change(t));
                    }
                }
                values.add(v);
            }
            CategorySeries series = chart.addSeries(rung.key(), weights, values);
            Color[] colours = SHADES.get(rung.family());
            series.setFillColor(colours[Math.min(shade.merge(rung.family(), 1, Integer::sum) - 1,
                    colours.length - 1)]);
        }
        return chart;
    }

    /**
     * The smallest rise the chart tells apart: a hundredth of a point of error, or a thousandth of the reference's
     * MAE (or loss).
     */
    private static double floor(SensitivityReport report) {
        return report.rate() ? 0.01 : Math.max(1e-6, 1e-3 * Math.abs(report.headline(report.reference())));
    }
}
