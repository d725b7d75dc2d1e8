package io.tflc.compressors.views;

import io.tflc.compressors.Matrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Several weights of any shapes flattened and concatenated into one row vector, so that one codebook or one
 * pruning budget spans them all.
 */
public record Concatenated(List<int[]> shapes) implements View {

    public Concatenated {
        List<int[]> copies = new ArrayList<>();
        for (int[] shape : shapes) {
            View.size(shape);
            copies.add(shape.clone());
        }
        shapes = List.copyOf(copies);
        if (shapes.isEmpty()) {
            throw new IllegalArgumentException("concatenated needs at least one weight");
        }
    }

    @Override
    public List<int[]> shapes() {
        return shapes.stream().map(int[]::clone).toList();
    }

    @Override
    public Matrix pack(List<double[]> weights) {
        if (weights.size() != shapes.size()) {
            throw new IllegalArgumentException("concatenated view of " + shapes.size() + " weights got " + weights.size());
        }
        int total = 0;
        for (int i = 0; i < weights.size(); i++) {
            Shapes.requireSize(weights.get(i), shapes.get(i));
            total += weights.get(i).length;
        }
        double[] packed = new double[total];
        int offset = 0;
        for (double[] w : weights) {
            System.arraycopy(w, 0, packed, offset, w.length);
            offset += w.length;
        }
        return Matrix.rowVector(packed);
    }

    @Override
    public List<double[]> unpack(Matrix packed) {
        double[] all = packed.toArray();
        List<double[]> out = new ArrayList<>();
        int offset = 0;
        for (int[] shape : shapes) {
            int n = View.size(shape);
            out.add(Arrays.copyOfRange(all, offset, offset + n));
            offset += n;
        }
        return out;
    }

    @Override
    public String describe() {
        return "concatenated";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Concatenated c && c.shapes.size() == shapes.size()
                && java.util.stream.IntStream.range(0, shapes.size())
                        .allMatch(i -> Arrays.equals(shapes.get(i), c.shapes.get(i)));
    }

    @Override
    public int hashCode() {
        return shapes.stream().mapToInt(Arrays::hashCode).sum();
    }

    @Override
    public String toString() {
        return "Concatenated" + shapes.stream().map(Arrays::toString).toList();
    }
}
