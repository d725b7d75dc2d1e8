package io.tflc.lc.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A table of numbers in a CSV file: a header row naming the columns, then one example per row. {@code spec.label()}
 * names the label column (null: the last column), which becomes a width-1 target (a float: the objective decides
 * whether it is a class index or a value to fit); {@code spec.features()} names the feature columns in the order the
 * model takes them (null: every other column, in file order).
 *
 * <p>The format read is the simple one numeric tables use: comma-separated, no quoted fields (a field starting with a
 * quote is refused rather than misread), blank lines skipped, spaces around values ignored, a UTF-8 byte order mark
 * on the header tolerated. Values must be plain decimal numbers ({@code 3504.}, {@code -1.5e3}): NaN, infinities and
 * placeholders such as {@code ?} are errors, since one of them would poison training silently. There is no CSV
 * library among tf-lc's dependencies, and this format does not need one.
 *
 * <p>Every error names the file, the row as a text editor numbers it (the header is row 1) and the column.
 */
public final class CsvSource implements DataSource {
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private final Path file;
    private final DataSpec spec;

    public CsvSource(Path file, DataSpec spec) {
        this.file = file;
        this.spec = spec;
    }

    @Override
    public Dataset load(int[] exampleShape) throws IOException {
        Examples.refuseResize(this, spec);
        List<float[]> rows = new ArrayList<>();
        int[] columns;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String headerLine = in.readLine();
            if (headerLine == null || headerLine.isBlank()) {
                throw new InvalidDataException(describe() + ": " + file + " is empty; row 1 must be a header naming "
                        + "the columns");
            }
            String[] header = split(headerLine.replace("\uFEFF", ""), 1);
            columns = columns(header, exampleShape);
            String line;
            int row = 1;
            while ((line = in.readLine()) != null) {
                row++;
                if (line.isBlank()) {
                    continue;
                }
                String[] fields = split(line, row);
                if (fields.length != header.length) {
                    throw new InvalidDataException(describe() + ": " + file + " row " + row + " has " + fields.length
                            + " fields; the header has " + header.length);
                }
                float[] values = new float[columns.length];
                for (int c = 0; c < columns.length; c++) {
                    values[c] = number(fields[columns[c]], row, header[columns[c]]);
                }
                rows.add(values);
            }
        } catch (NoSuchFileException e) {
            throw new DataUnavailableException(describe() + ": no such file " + file);
        }
        int width = columns.length - 1;
        float[] features = Examples.allocate(this, rows.size(), width);
        float[] targets = new float[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            float[] values = rows.get(r);
            System.arraycopy(values, 0, features, r * width, width);
            targets[r] = values[width];
        }
        int[] shape = exampleShape.length == 1 && exampleShape[0] < 0 ? new int[] {width} : exampleShape;
        return Examples.dataset(this, features, targets, 1, shape, spec);
    }

    @Override
    public String describe() {
        return "csv:" + file;
    }

    /** The indices of the feature columns, in the model's order, then the label column's. */
    private int[] columns(String[] header, int[] exampleShape) throws InvalidDataException {
        List<String> names = Arrays.asList(header);
        for (int i = 0; i < header.length; i++) {
            if (header[i].isEmpty()) {
                throw new InvalidDataException(describe() + ": " + file + " row 1 (the header) names no column "
                        + (i + 1));
            }
            if (names.indexOf(header[i]) != i) {
                throw new InvalidDataException(describe() + ": " + file + " row 1 (the header) names column '"
                        + header[i] + "' twice");
            }
        }
        int label = spec.label() == null ? header.length - 1 : column(names, spec.label(), "label");
        List<Integer> chosen = new ArrayList<>();
        if (spec.features() == null) {
            for (int i = 0; i < header.length; i++) {
                if (i != label) {
                    chosen.add(i);
                }
            }
        } else {
            for (String name : spec.features()) {
                int c = column(names, name, "feature");
                if (c == label) {
                    throw new InvalidDataException(describe() + ": column '" + name + "' is the label; it cannot"
                            + " also be a feature");
                }
                chosen.add(c);
            }
        }
        boolean open = exampleShape.length == 1 && exampleShape[0] < 0; // an input of [batch, any]: the table decides
        if (!open && chosen.size() != ExampleShapes.size(exampleShape)) {
            throw new InvalidDataException(describe() + ": " + file + " has " + chosen.size() + " feature columns "
                    + chosen.stream().map(c -> header[c]).toList() + " (label: " + header[label] + "); the model "
                    + "input " + Arrays.toString(exampleShape) + " takes " + ExampleShapes.size(exampleShape)
                    + " values" + (spec.features() == null ? "; name the feature columns with data.features" : ""));
        }
        chosen.add(label);
        return chosen.stream().mapToInt(Integer::intValue).toArray();
    }

    private int column(List<String> names, String name, String role) throws InvalidDataException {
        int c = names.indexOf(name);
        if (c < 0) {
            throw new InvalidDataException(describe() + ": " + file + " has no " + role + " column '" + name
                    + "'; its header (row 1) names " + names);
        }
        return c;
    }

    private String[] split(String line, int row) throws InvalidDataException {
        String[] fields = line.split(",", -1);
        for (int i = 0; i < fields.length; i++) {
            fields[i] = fields[i].strip();
            if (fields[i].startsWith("\"")) {
                throw new InvalidDataException(describe() + ": " + file + " row " + row + " field " + (i + 1)
                        + " is quoted; quoted fields are not supported (numbers need no quotes)");
            }
        }
        return fields;
    }

    private float number(String value, int row, String column) throws InvalidDataException {
        if (value.isEmpty()) {
            throw new InvalidDataException(describe() + ": " + file + " row " + row + ", column '" + column
                    + "': missing value");
        }
        if (!NUMBER.matcher(value).matches()) {
            throw new InvalidDataException(describe() + ": " + file + " row " + row + ", column '" + column + "': '"
                    + value + "' is not a number");
        }
        float v = Float.parseFloat(value);
        if (Float.isInfinite(v)) {
            throw new InvalidDataException(describe() + ": " + file + " row " + row + ", column '" + column + "': "
                    + value + " is too large for a float");
        }
        return v;
    }
}
