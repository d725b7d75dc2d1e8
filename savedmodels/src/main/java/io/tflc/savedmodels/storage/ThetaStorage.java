package io.tflc.savedmodels.storage;

import io.tflc.compressors.Precision;
import io.tflc.compressors.AdditiveSum;
import io.tflc.compressors.Bits;
import io.tflc.compressors.LowRankFactors;
import io.tflc.compressors.Matrix;
import io.tflc.compressors.PositionCoding;
import io.tflc.compressors.Quantized;
import io.tflc.compressors.SparseFactors;
import io.tflc.compressors.SparseValues;
import io.tflc.compressors.Theta;
import io.tflc.compressors.Uncompressed;
import io.tflc.compressors.VectorQuantized;
import io.tflc.savedmodels.SavedVariable;
import io.tflc.savedmodels.Scopes;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Stores Θ in variables of a TF graph and decodes it back with standard TF ops only (shifts, masks, Gather,
 * Cumsum, Where, ScatterNd, MatMul, Reshape, AddN), so a model decodes anywhere TF runs:
 * <ul>
 *   <li>codebook + codes: codes bit-packed at ⌈log2 k⌉ bits ({@link BitPacking}), the codebook as a variable
 *       (adaptive, fixed), a scale times a constant pattern (scaled binary/ternary) or a constant (binary);</li>
 *   <li>pruning: kept values + positions as a bitmap or as gaps at a fixed width (fillers hold zeros), whichever
 *       {@link PositionCoding} found cheaper;</li>
 *   <li>low rank: the two factors; uncompressed: the matrix; a sum: its parts; vector quantization: packed codes
 *       and a k×d codebook.</li>
 * </ul>
 * Variables are filled by {@link #fillOps()} from in-graph constants, which the exporter prunes away so that they
 * never reach {@code saved_model.pb}.
 */
public final class ThetaStorage {

    private final Ops tf;
    private final List<Op> fills = new ArrayList<>();
    private final List<SavedVariable> stored = new ArrayList<>();

    public ThetaStorage(Ops tf) {
        this.tf = tf;
    }

    /** Ops that write the stored values into their variables; run them once. */
    public List<Op> fillOps() {
        return List.copyOf(fills);
    }

    /** The variables that hold Θ, for the saver. */
    public List<SavedVariable> stored() {
        return List.copyOf(stored);
    }

    /** Adds variables under scope {@code path} holding {@code theta}, and returns its values decoded, flat. */
    public Operand<TFloat32> decode(String path, Theta theta) {
        Ops scope = Scopes.under(tf, path);
        if (theta instanceof Quantized q) {
            return quantized(scope, path, q);
        } else if (theta instanceof SparseValues s) {
            return sparse(scope, path, s);
        } else if (theta instanceof LowRankFactors f) {
            int size = f.rows() * f.cols();
            if (f.rank() == 0) {
                return scope.fill(scope.constant(new int[] {size}), scope.constant(0f));
            }
            Operand<TFloat32> u = floats(scope, path, "u", f.u());
            Operand<TFloat32> v = floats(scope, path, "v", f.v());
            return flat(scope, scope.linalg.matMul(u, v));
        } else if (theta instanceof Uncompressed u) {
            return flat(scope, floats(scope, path, "weights", u.weights()));
        } else if (theta instanceof AdditiveSum sum) {
            List<Operand<TFloat32>> parts = new ArrayList<>();
            for (int i = 0; i < sum.parts().size(); i++) {
                parts.add(decode(path + "/part_" + i, sum.parts().get(i)));
            }
            return parts.size() == 1 ? parts.get(0) : scope.math.addN(parts);
        } else if (theta instanceof VectorQuantized v) {
            int bits = Bits.ceilLog2(v.codebook().rows());
            Operand<TFloat32> codebook = floats(scope, path, "codebook", v.codebook());
            Operand<TInt32> codes = bits == 0
                    ? scope.fill(scope.constant(new int[] {v.codes().length}), scope.constant(0))
                    : codes(scope, path, "codes", v.codes(), bits);
            return flat(scope, scope.gather(codebook, codes, scope.constant(0)));
        }
        if (theta instanceof SparseFactors f) {
            return sparseFactors(scope, path, f);
        }
        throw new IllegalArgumentException("no storage for " + theta);
    }

    /**
     * Sparse factors: codebook codes at b_c bits (or floats), term indices at ⌈log2 k⌉ bits, term values at b_z bits
     * (none when they are 1, floats at 32); each vector is the sum of its terms' values times their codebook rows.
     */
    private Operand<TFloat32> sparseFactors(Ops scope, String path, SparseFactors f) {
        int k = f.codebook().rows();
        int d = f.dimension();
        Operand<TFloat32> codebook = f.codebookBits() >= 32
                ? floats(scope, path, "codebook", f.codebook())
                : scope.reshape(gridValues(scope, path, "codebook", f.codebook().toArray(), f.codebookBits(),
                        f.codebookScale()), scope.constant(new int[] {k, d}));
        int terms = f.indices().length;
        int indexBits = Bits.ceilLog2(k);
        Operand<TInt32> indices = indexBits == 0
                ? scope.fill(scope.constant(new int[] {terms}), scope.constant(0))
                : codes(scope, path, "indices", f.indices(), indexBits);
        Operand<TFloat32> values;
        if (f.valueBits() == 0) {
            float[] ones = new float[terms];
            boolean allUsed = true;
            for (int i = 0; i < terms; i++) {
                ones[i] = f.values()[i] == 0 ? 0 : 1;
                allUsed &= ones[i] == 1;
            }
            // Unit values: which terms are used is all there is; the C-step uses every term (a vector may take a
            // row twice), so nothing beyond the indices is stored unless a Θ from elsewhere leaves terms unused.
            values = allUsed ? scope.fill(scope.constant(new int[] {terms}), scope.constant(1f))
                    : variable(scope, path, "used", ones, Shape.of(terms));
        } else if (f.valueBits() >= 32) {
            values = variable(scope, path, "values", Precision.toFloats(f.values()), Shape.of(terms));
        } else {
            values = gridValues(scope, path, "values", f.values(), f.valueBits(), f.valueScale());
        }
        Operand<TFloat32> rows = scope.gather(codebook, indices, scope.constant(0));
        Operand<TFloat32> weighted = scope.math.mul(rows, scope.reshape(values, scope.constant(new int[] {-1, 1})));
        Operand<TFloat32> summed = scope.sum(scope.reshape(weighted, scope.constant(new int[] {-1, f.terms(), d})),
                scope.constant(1));
        return flat(scope, summed);
    }

    /** Values on a symmetric grid: codes j + offset at {@code bits} bits and one stored scale; value = scale·j. */
    private Operand<TFloat32> gridValues(Ops scope, String path, String local, double[] values, int bits, double scale) {
        int offset = bits == 1 ? 0 : (1 << (bits - 1)) - 1;
        int[] codes = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            long j = scale == 0 ? 0 : Math.round(values[i] / scale);
            codes[i] = bits == 1 ? (values[i] < 0 ? 0 : 1) : (int) (j + offset);
        }
        Operand<TFloat32> steps = scope.dtypes.cast(codes(scope, path, local + "_codes", codes, bits), TFloat32.class);
        Operand<TFloat32> centered = bits == 1
                ? scope.math.sub(scope.math.mul(steps, scope.constant(2f)), scope.constant(1f))
                : scope.math.sub(steps, scope.constant((float) offset));
        return scope.math.mul(centered, variable(scope, path, local + "_scale", new float[] {(float) scale}, Shape.of(1)));
    }

    private Operand<TFloat32> quantized(Ops scope, String path, Quantized q) {
        double[] book = q.codebook();
        int n = q.rows() * q.cols();
        Operand<TFloat32> codebook;
        if (q.storedCodebookValues() == 0) {
            codebook = scope.constant(Precision.toFloats(book));
        } else if (q.storedCodebookValues() == book.length) {
            codebook = variable(scope, path, "codebook", Precision.toFloats(book), Shape.of(book.length));
        } else {
            // Scaled binary/ternary: one stored scale times a constant pattern such as {−1, 0, 1}.
            double scale = 0;
            for (double c : book) {
                scale = Math.max(scale, Math.abs(c));
            }
            float[] pattern = new float[book.length];
            for (int i = 0; i < book.length; i++) {
                pattern[i] = scale == 0 ? 0 : (float) (book[i] / scale);
            }
            codebook = scope.math.mul(scope.constant(pattern),
                    variable(scope, path, "scale", new float[] {(float) scale}, Shape.of(1)));
        }
        int bits = Bits.ceilLog2(book.length);
        if (bits == 0) {
            return scope.math.mul(scope.fill(scope.constant(new int[] {n}), scope.constant(1f)),
                    scope.gather(codebook, scope.constant(0), scope.constant(0)));
        }
        return scope.gather(codebook, codes(scope, path, "codes", q.codes(), bits), scope.constant(0));
    }

    private Operand<TFloat32> sparse(Ops scope, String path, SparseValues s) {
        int n = s.rows() * s.cols();
        int[] positions = s.positions();
        Operand<TInt32> shape = scope.constant(new int[] {n});
        if (positions.length == 0) {
            return scope.fill(shape, scope.constant(0f));
        }
        PositionCoding coding = PositionCoding.best(positions, n);
        if (coding.isBitmap()) {
            int[] bitmap = new int[n];
            for (int p : positions) {
                bitmap[p] = 1;
            }
            Operand<TInt32> bits = codes(scope, path, "bitmap", bitmap, 1);
            Operand<TInt64> indices = scope.where(scope.math.notEqual(bits, scope.constant(0)));
            Operand<TFloat32> values = variable(scope, path, "values", Precision.toFloats(s.values()), Shape.of(positions.length));
            return scope.scatterNd(indices, values, scope.constant(new long[] {n}));
        }
        // Gaps of 1..2^w stored as gap − 1; a gap above 2^w is bridged by fillers of 2^w holding zero.
        int width = coding.width();
        long span = 1L << width;
        List<Integer> gaps = new ArrayList<>();
        List<Float> values = new ArrayList<>();
        double[] kept = s.values();
        int previous = -1;
        for (int i = 0; i < positions.length; i++) {
            long gap = positions[i] - previous;
            while (gap > span) {
                gaps.add((int) (span - 1));
                values.add(0f);
                gap -= span;
            }
            gaps.add((int) (gap - 1));
            values.add((float) kept[i]);
            previous = positions[i];
        }
        Operand<TInt32> stored = codes(scope, path, "gaps", gaps.stream().mapToInt(Integer::intValue).toArray(),
                width);
        Operand<TInt32> steps = scope.math.add(stored, scope.constant(1));
        Operand<TInt32> where = scope.math.sub(scope.math.cumsum(steps, scope.constant(0)), scope.constant(1));
        float[] entryValues = new float[values.size()];
        for (int i = 0; i < entryValues.length; i++) {
            entryValues[i] = values.get(i);
        }
        return scope.scatterNd(scope.reshape(where, scope.constant(new int[] {-1, 1})),
                variable(scope, path, "values", entryValues, Shape.of(entryValues.length)), shape);
    }

    /** Codes of {@code bits} bits each: packed words in the variable {@code path/local}, unpacked by shift and mask. */
    private Operand<TInt32> codes(Ops scope, String path, String local, int[] codes, int bits) {
        int[] words = BitPacking.pack(codes, bits);
        int per = BitPacking.perWord(bits);
        int[] shifts = new int[per];
        for (int i = 0; i < per; i++) {
            shifts[i] = i * bits;
        }
        Operand<TInt32> packed = variable(scope, path, local, words, Shape.of(words.length));
        Operand<TInt32> spread = scope.bitwise.rightShift(scope.reshape(packed, scope.constant(new int[] {-1, 1})),
                scope.constant(new int[][] {shifts}));
        Operand<TInt32> masked = scope.bitwise.bitwiseAnd(spread, scope.constant(bits == 32 ? -1 : (1 << bits) - 1));
        return scope.slice(scope.reshape(masked, scope.constant(new int[] {-1})), scope.constant(new int[] {0}),
                scope.constant(new int[] {codes.length}));
    }

    private Operand<TFloat32> floats(Ops scope, String path, String local, Matrix m) {
        return variable(scope, path, local, Precision.toFloats(m.toArray()), Shape.of(m.rows(), m.cols()));
    }

    private Operand<TFloat32> variable(Ops scope, String path, String local, float[] values, Shape shape) {
        VarHandleOp handle = scope.withName(local).varHandleOp(TFloat32.class, shape,
                VarHandleOp.sharedName(path + "/" + local));
        fills.add(scope.assignVariableOp(handle, scope.reshape(scope.constant(values),
                scope.constant(shape.asArray()))));
        stored.add(new SavedVariable(handle.op().name(), handle, TFloat32.class));
        return scope.readVariableOp(handle, TFloat32.class);
    }

    private Operand<TInt32> variable(Ops scope, String path, String local, int[] values, Shape shape) {
        VarHandleOp handle = scope.withName(local).varHandleOp(TInt32.class, shape,
                VarHandleOp.sharedName(path + "/" + local));
        fills.add(scope.assignVariableOp(handle, scope.constant(values)));
        stored.add(new SavedVariable(handle.op().name(), handle, TInt32.class));
        return scope.readVariableOp(handle, TInt32.class);
    }

    private static Operand<TFloat32> flat(Ops scope, Operand<TFloat32> x) {
        return scope.reshape(x, scope.constant(new int[] {-1}));
    }
}
