package io.tflc.lc.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.savedmodels.SharedFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvSourceTest {
    private static final DataSpec MPG = new DataSpec("MPG", null, null, null, DataSpec.Preprocess.NONE);

    @Test
    void autoMpgLoadsEveryRowWithMpgAsTheTarget() throws IOException {
        Path file = SharedFiles.require("data/auto-mpg/auto-mpg.csv");
        Dataset cars = new CsvSource(file, MPG).load(new int[] {9});
        List<String> lines = Files.readAllLines(file);
        assertEquals(lines.size() - 1, cars.size());
        assertEquals(392, cars.size());
        assertEquals(1, cars.targetWidth());
        for (int row : new int[] {0, 100, cars.size() - 1}) {
            float[] expected = parse(lines.get(row + 1)); // line 2 is the first car
            float[] features = Arrays.copyOfRange(cars.features(), row * 9, row * 9 + 9);
            assertArrayEquals(Arrays.copyOf(expected, 9), features);
            assertEquals(expected[9], cars.target(row, 0));
        }
        // "8,307.0,130.0,3504.,12.0,70,1,0,0,18.0", as the file's README quotes it
        assertArrayEquals(new float[] {8, 307, 130, 3504, 12, 70, 1, 0, 0}, Arrays.copyOf(cars.features(), 9));
        assertEquals(18f, cars.target(0, 0));
        // MPG is the last column, the default label
        assertArrayEquals(cars.features(), new CsvSource(file, DataSpec.DEFAULT).load(new int[] {9}).features());
    }

    @Test
    void featureColumnsComeInTheOrderNamed() throws IOException {
        Path file = SharedFiles.require("data/auto-mpg/auto-mpg.csv");
        DataSpec spec = new DataSpec("MPG", List.of("Weight", "Horsepower"), null, null, DataSpec.Preprocess.NONE);
        Dataset cars = new CsvSource(file, spec).load(new int[] {2});
        assertArrayEquals(new float[] {3504, 130}, Arrays.copyOf(cars.features(), 2));
    }

    @Test
    void aMissingValueNamesFileRowAndColumn(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("t.csv"), "a,b,y\n1,2,0\n3,,1\n");
        String message = failure(file, DataSpec.DEFAULT, 2);
        assertTrue(message.contains(file.toString()) && message.contains("row 3") && message.contains("column 'b'")
                && message.contains("missing value"), message);
    }

    @Test
    void aNonNumericValueNamesFileRowColumnAndValue(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("t.csv"), "a,b,y\n1,?,0\n");
        String message = failure(file, DataSpec.DEFAULT, 2);
        assertTrue(message.contains(file.toString()) && message.contains("row 2") && message.contains("column 'b'")
                && message.contains("'?' is not a number"), message);
        Path nan = Files.writeString(dir.resolve("nan.csv"), "a,b,y\n1,2,0\n\n1,NaN,0\n");
        String nanMessage = failure(nan, DataSpec.DEFAULT, 2);
        assertTrue(nanMessage.contains("row 4") && nanMessage.contains("'NaN'"), nanMessage); // blank row 3 counted
    }

    @Test
    void anUnknownLabelColumnListsTheHeader() {
        Path file = SharedFiles.require("data/auto-mpg/auto-mpg.csv");
        DataSpec spec = new DataSpec("mpg", null, null, null, DataSpec.Preprocess.NONE);
        String message = failure(file, spec, 9);
        assertTrue(message.contains(file.toString()) && message.contains("'mpg'")
                && message.contains("[Cylinders, Displacement, Horsepower, Weight, Acceleration, ModelYear, USA, "
                + "Europe, Japan, MPG]"), message);
    }

    @Test
    void aRowWithAnotherNumberOfFieldsIsNamed(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("t.csv"), "a,b,y\n1,2,0\n1,2\n");
        String message = failure(file, DataSpec.DEFAULT, 2);
        assertTrue(message.contains("row 3 has 2 fields; the header has 3"), message);
    }

    @Test
    void moreColumnsThanTheModelTakesIsAnErrorNamingBoth() {
        Path file = SharedFiles.require("data/auto-mpg/auto-mpg.csv");
        String message = failure(file, MPG, 8);
        assertTrue(message.contains(file.toString()) && message.contains("9 feature columns")
                && message.contains("[8]"), message);
    }

    @Test
    void aHeaderWithoutRowsIsAnEmptySource(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("t.csv"), "a,b,y\n");
        assertTrue(failure(file, DataSpec.DEFAULT, 2).contains("holds no examples"));
    }

    private static float[] parse(String line) {
        String[] fields = line.split(",");
        float[] values = new float[fields.length];
        for (int i = 0; i < fields.length; i++) {
            values[i] = Float.parseFloat(fields[i]);
        }
        return values;
    }

    private static String failure(Path file, DataSpec spec, int features) {
        return assertThrows(InvalidDataException.class, () -> new CsvSource(file, spec).load(new int[] {features}))
                .getMessage();
    }
}
