package io.tflc.lc.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tf-lc chart POINTS.csv --out CHART.png}: error against bits per weight from measured points. */
@Command(name = "chart", mixinStandardHelpOptions = true,
        description = {"Draw test error against bits per weight, one line per family and method (DC dashed, LC solid),",
                "from a CSV of measured points: family,method,bits_per_weight,error_percent (a header line first)."})
public final class ChartCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "the CSV of points")
    private Path points;

    @Option(names = "--out", required = true, description = "the PNG to write")
    private Path out;

    @Option(names = "--title", defaultValue = "Test error against bits per weight", description = "the chart's title")
    private String title;

    @Option(names = "--reference", description = "the uncompressed model's test error in %, drawn as a grey line")
    private Double reference;

    @Override
    public Integer call() throws Exception {
        if (!Files.isRegularFile(points)) {
            throw new IllegalArgumentException("no CSV of points at " + points + "; give a file with the header "
                    + "family,method,bits_per_weight,error_percent");
        }
        List<TradeoffChart.Point> read = TradeoffChart.read(points);
        Charts.png(TradeoffChart.of(read, title, reference == null ? Double.NaN : reference), out);
        System.out.println("wrote " + out + " (" + read.size() + " points)");
        return 0;
    }
}
