package io.tflc.lc.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;

class ChartCommandTest {

    private static final String POINTS = """
            family,method,bits_per_weight,error_percent
            factors,LC,1.004,12.34
            factors,DC,1.004,64.66
            factors,LC,0.501,51.18
            VQ,LC,0.998,10.48
            VQ,DC,0.998,44.49
            """;

    @Test
    void drawsOneLinePerFamilyAndMethodSortedByBits(@TempDir Path folder) throws Exception {
        Path csv = folder.resolve("points.csv");
        Files.writeString(csv, POINTS);
        Path png = folder.resolve("chart.png");
        CliRun run = CliRun.of(new ChartCommand(), csv.toString(), "--out", png.toString(), "--reference", "10.43");
        assertEquals(0, run.status(), run.all());
        BufferedImage image = ImageIO.read(png.toFile());
        assertTrue(image.getWidth() >= 1000 && image.getHeight() >= 600, "a chart");
        assertEquals(List.of("chart.png", "points.csv"), Files.list(folder).map(p -> p.getFileName().toString())
                .sorted().toList(), "no temporary file left");

        XYChart chart = TradeoffChart.of(TradeoffChart.read(csv), "t", 10.43);
        assertEquals(List.of("factors · LC", "factors · DC", "VQ · LC", "VQ · DC", "reference"),
                List.copyOf(chart.getSeriesMap().keySet()));
        assertArrayEquals(new double[] {0.501, 1.004}, chart.getSeriesMap().get("factors · LC").getXData());
        assertArrayEquals(new double[] {51.18, 12.34}, chart.getSeriesMap().get("factors · LC").getYData());
    }

    @Test
    void aBadLineIsNamedWithWhatItNeeds(@TempDir Path folder) throws Exception {
        Path csv = folder.resolve("points.csv");
        Files.writeString(csv, "family,method,bits_per_weight,error_percent\nVQ,LC,one,10.48\n");
        CliRun run = CliRun.of(new ChartCommand(), csv.toString(), "--out", folder.resolve("c.png").toString());
        assertEquals(1, run.status(), run.all());
        assertTrue(run.error().contains("line 2") && run.error().contains("must be numbers"), run.all());
        assertTrue(Files.notExists(folder.resolve("c.png")), "nothing written");
    }
}
