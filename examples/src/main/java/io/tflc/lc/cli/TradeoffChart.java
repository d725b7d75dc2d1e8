package io.tflc.lc.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Test error against bits per weight, one line per family and method (DC dashed, LC solid, one colour per family),
 * from measured points in a CSV file: {@code family,method,bits_per_weight,error_percent}, a header line first.
 * The points come from runs' reports; the chart only draws them, so that it can be redrawn without the runs.
 */
final class TradeoffChart {

    /** One measured point: a family (factors, VQ, …), a method (DC or LC), bits per weight, test error in %. */
    record Point(String family, String method, double bitsPerWeight, double errorPercent) {
    }

    private TradeoffChart() {
    }

    /** The points of {@code csv}, with the line and the reason for the first one that cannot be read. */
    static List<Point> read(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        List<Point> points = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] cells = line.split(",", -1);
            String where = csv + " line " + (i + 1) + " ('" + line + "')";
            if (cells.length != 4) {
                throw new IllegalArgumentException(where + " has " + cells.length + " cells; each point needs "
                        + "family,method,bits_per_weight,error_percent");
            }
            try {
                points.add(new Point(cells[0].strip(), cells[1].strip(), Double.parseDouble(cells[2].strip()),
                        Double.parseDouble(cells[3].strip())));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(where + ": bits_per_weight and error_percent must be numbers");
            }
        }
        if (points.isEmpty()) {
            throw new IllegalArgumentException(csv + " holds no points; after the header line each line is "
                    + "family,method,bits_per_weight,error_percent");
        }
        return points;
    }

    /**
     * The chart: a family's DC and LC lines share a colour, so that the gap between them (what LC adds) and the gap
     * between families at equal bits both read at a glance; {@code reference} (NaN: none) is a grey dashed line.
     */
    static XYChart of(List<Point> points, String title, double reference) {
        XYChart chart = new XYChartBuilder().width(1000).height(600).title(title).xAxisTitle("bits per weight")
                .yAxisTitle("test error (%)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setMarkerSize(8);
        Color[] palette = chart.getStyler().getSeriesColors();
        Map<String, Color> colours = new LinkedHashMap<>();
        Map<String, List<Point>> lines = new LinkedHashMap<>();
        for (Point p : points) {
            colours.computeIfAbsent(p.family(), f -> palette[colours.size() % palette.length]);
            lines.computeIfAbsent(p.family() + " · " + p.method(), l -> new ArrayList<>()).add(p);
        }
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        for (Map.Entry<String, List<Point>> line : lines.entrySet()) {
            List<Point> sorted = line.getValue().stream().sorted(Comparator.comparingDouble(Point::bitsPerWeight))
                    .toList();
            XYSeries series = chart.addSeries(line.getKey(),
                    sorted.stream().mapToDouble(Point::bitsPerWeight).toArray(),
                    sorted.stream().mapToDouble(Point::errorPercent).toArray());
            Point first = sorted.get(0);
            series.setLineColor(colours.get(first.family()));
            series.setMarkerColor(colours.get(first.family()));
            boolean dc = first.method().toUpperCase(Locale.ROOT).equals("DC");
            series.setMarker(dc ? SeriesMarkers.DIAMOND : SeriesMarkers.CIRCLE);
            if (dc) {
                series.setLineStyle(dashed(2f));
            }
            for (Point p : sorted) {
                low = Math.min(low, p.bitsPerWeight());
                high = Math.max(high, p.bitsPerWeight());
            }
        }
        if (!Double.isNaN(reference)) {
            XYSeries line = chart.addSeries("reference", new double[] {low, high}, new double[] {reference, reference});
            line.setMarker(SeriesMarkers.NONE);
            line.setLineColor(Color.GRAY);
            line.setLineStyle(dashed(1.5f));
        }
        return chart;
    }

    private static BasicStroke dashed(float width) {
        return new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0);
    }
}
