package io.tflc.compressors.factors;

/**
 * A symmetric uniform quantization grid: b = 1 gives {−a, +a}; b ≥ 2 gives a·{−(2^(b−1)−1), …, 0, …, 2^(b−1)−1};
 * b = 32 means floats (no grid). The scale a is fixed when the grid is made, so projecting onto it is exact.
 */
record Grid(int bits, double scale) {

    static Grid fitted(int bits, double[] values) {
        if (bits >= 32) {
            return new Grid(32, 0);
        }
        double max = 0;
        double sum = 0;
        int count = 0;
        for (double v : values) {
            if (v != 0) {
                max = Math.max(max, Math.abs(v));
                sum += Math.abs(v);
                count++;
            }
        }
        double scale = bits == 1 ? (count == 0 ? 0 : sum / count) : max / ((1 << (bits - 1)) - 1);
        return new Grid(bits, scale);
    }

    boolean isFloat() {
        return bits >= 32;
    }

    /** How many values {@link #levels} holds, without making them (a 24-bit grid has 16 million). */
    long levelCount() {
        return scale == 0 ? 0 : bits == 1 ? 2 : 2 * ((1L << (bits - 1)) - 1);
    }

    /** The nonzero grid values, ascending (none when the scale is 0); only for a grid, not floats. */
    double[] levels() {
        if (scale == 0) {
            return new double[0];
        }
        if (bits == 1) {
            return new double[] {-scale, scale};
        }
        int top = (1 << (bits - 1)) - 1;
        double[] out = new double[2 * top];
        for (int j = 1; j <= top; j++) {
            out[top - j] = -j * scale;
            out[top + j - 1] = j * scale;
        }
        return out;
    }

    /** The grid point nearest to x. */
    double project(double x) {
        if (isFloat()) {
            return x;
        }
        if (scale == 0) {
            return 0;
        }
        if (bits == 1) {
            return x < 0 ? -scale : scale;
        }
        long top = (1L << (bits - 1)) - 1;
        long j = Math.max(-top, Math.min(top, Math.round(x / scale)));
        return j * scale;
    }
}
