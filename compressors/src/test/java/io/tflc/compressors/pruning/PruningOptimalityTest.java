package io.tflc.compressors.pruning;

import static io.tflc.compressors.BruteForce.relativeGap;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tflc.compressors.BruteForce;
import io.tflc.compressors.CStep;
import io.tflc.compressors.Matrix;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Each pruning C-step against an exhaustive search over subsets or a fine 1-D search over thresholds. */
class PruningOptimalityTest {
    private static final double MU = 0.7;

    @Test
    void l0ConstraintIsTheBestSubset() {
        Random random = new Random(21);
        for (int trial = 0; trial < 40; trial++) {
            int n = 1 + random.nextInt(10);
            int kappa = random.nextInt(n + 1);
            Matrix x = BruteForce.random(random, 1, n);
            double[] v = x.toArray();
            double best = Double.POSITIVE_INFINITY;
            for (int mask = 0; mask < 1 << n; mask++) {
                if (Integer.bitCount(mask) > kappa) {
                    continue;
                }
                double err = 0;
                for (int i = 0; i < n; i++) {
                    err += (mask >> i & 1) == 1 ? 0 : v[i] * v[i];
                }
                best = Math.min(best, err);
            }
            double got = x.squaredDistance(L0Constraint.keep(kappa).compress(x, CStep.direct(MU)).decompress());
            assertTrue(relativeGap(got, best) <= 1e-6 || Math.abs(got - best) < 1e-12, got + " vs " + best);
        }
    }

    @Test
    void l0PenaltyIsTheBestSubset() {
        Random random = new Random(22);
        for (int trial = 0; trial < 40; trial++) {
            int n = 1 + random.nextInt(10);
            double alpha = random.nextDouble() * 0.5;
            Matrix x = BruteForce.random(random, 1, n);
            double[] v = x.toArray();
            double best = Double.POSITIVE_INFINITY;
            for (int mask = 0; mask < 1 << n; mask++) {
                double err = 0;
                for (int i = 0; i < n; i++) {
                    err += (mask >> i & 1) == 1 ? 0 : v[i] * v[i];
                }
                best = Math.min(best, err + 2 * alpha * Integer.bitCount(mask) / MU);
            }
            L0Penalty c = new L0Penalty(alpha);
            double got = c.objective(x, c.compress(x, CStep.direct(MU)), MU);
            assertTrue(relativeGap(got, best) <= 1e-6, got + " vs " + best);
        }
    }

    @Test
    void l1PenaltyMatchesAFineSearchPerWeight() {
        Random random = new Random(23);
        for (int trial = 0; trial < 20; trial++) {
            double alpha = random.nextDouble();
            Matrix x = BruteForce.random(random, 1, 6);
            double best = 0;
            for (double v : x.toArray()) {
                // (v − t)² + 2α/μ |t| is convex in t: ternary search over a bracket that holds the optimum.
                double lo = -Math.abs(v) - 1;
                double hi = Math.abs(v) + 1;
                for (int it = 0; it < 400; it++) {
                    double a = lo + (hi - lo) / 3;
                    double b = hi - (hi - lo) / 3;
                    if (l1Objective(v, a, alpha) <= l1Objective(v, b, alpha)) {
                        hi = b;
                    } else {
                        lo = a;
                    }
                }
                best += l1Objective(v, (lo + hi) / 2, alpha);
            }
            L1Penalty c = new L1Penalty(alpha);
            double got = c.objective(x, c.compress(x, CStep.direct(MU)), MU);
            assertTrue(relativeGap(got, best) <= 1e-6, got + " vs " + best);
        }
    }

    @Test
    void l1ConstraintIsTheProjectionOntoTheBall() {
        Random random = new Random(24);
        for (int trial = 0; trial < 40; trial++) {
            int n = 1 + random.nextInt(12);
            Matrix x = BruteForce.random(random, 1, n);
            double kappa = random.nextDouble() * 3;
            Matrix p = new L1Constraint(kappa).compress(x, CStep.direct(MU)).decompress();
            // Reference: the projection is a soft threshold; bisection for the smallest feasible τ.
            double lo = 0;
            double hi = 100;
            for (int it = 0; it < 200; it++) {
                double mid = (lo + hi) / 2;
                if (l1Norm(soft(x, mid)) <= kappa) {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            double best = x.squaredDistance(soft(x, hi));
            double got = x.squaredDistance(p);
            assertTrue(relativeGap(got, best) <= 1e-6 || Math.abs(got - best) < 1e-12, got + " vs " + best);
            // Optimality without the soft-threshold assumption: <x − p, v − p> ≤ 0 for every vertex ±κe_i of the
            // ball, hence for the whole ball (its convex hull).
            for (int i = 0; i < n; i++) {
                for (int sign = -1; sign <= 1; sign += 2) {
                    double inner = 0;
                    for (int j = 0; j < n; j++) {
                        double vertex = j == i ? sign * kappa : 0;
                        inner += (x.at(j) - p.at(j)) * (vertex - p.at(j));
                    }
                    assertTrue(inner <= 1e-9, "variational inequality fails at vertex " + sign + "κe_" + i);
                }
            }
        }
    }

    private static double l1Objective(double v, double t, double alpha) {
        return (v - t) * (v - t) + 2 * alpha / MU * Math.abs(t);
    }

    private static Matrix soft(Matrix x, double tau) {
        double[] v = x.toArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.signum(v[i]) * Math.max(Math.abs(v[i]) - tau, 0);
        }
        return Matrix.of(x.rows(), x.cols(), v);
    }

    private static double l1Norm(Matrix x) {
        double s = 0;
        for (double v : x.toArray()) {
            s += Math.abs(v);
        }
        return s;
    }

}
