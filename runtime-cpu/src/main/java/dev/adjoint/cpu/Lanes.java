package dev.adjoint.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;

/**
 * Sums and products of a vector's lanes in one fixed order, lane 0 first. The Vector API's
 * {@code reduceLanes(ADD)} and {@code reduceLanes(MUL)} leave the order unspecified for floating point, and the
 * interpreter and the JIT's intrinsic do use different orders: the same kernel on the same data could round
 * differently before and after warm-up, so that a training run resumed from a checkpoint would drift from the
 * uninterrupted one. Called once per reduction, not per element, so the lane loop costs nothing measurable; the
 * lanes go through a per-thread scratch array, as {@code toArray} allocated one per call (a matrix-vector product
 * sums one vector per row: a thousand arrays for a classifier's 1000 outputs).
 */
final class Lanes {
    private static final ThreadLocal<float[]> FLOATS =
            ThreadLocal.withInitial(() -> new float[FloatVector.SPECIES_MAX.length()]);
    private static final ThreadLocal<double[]> DOUBLES =
            ThreadLocal.withInitial(() -> new double[DoubleVector.SPECIES_MAX.length()]);

    private Lanes() {
    }

    static float sum(FloatVector v) {
        return sum(v, FLOATS.get());
    }

    /** As {@link #sum(FloatVector)}, through the caller's scratch of at least {@code v.length()} values. */
    static float sum(FloatVector v, float[] lanes) {
        v.intoArray(lanes, 0);
        float total = 0f;
        for (int i = 0, n = v.length(); i < n; i++) {
            total += lanes[i];
        }
        return total;
    }

    static double sum(DoubleVector v) {
        return sum(v, DOUBLES.get());
    }

    /** As {@link #sum(DoubleVector)}, through the caller's scratch of at least {@code v.length()} values. */
    static double sum(DoubleVector v, double[] lanes) {
        v.intoArray(lanes, 0);
        double total = 0.0;
        for (int i = 0, n = v.length(); i < n; i++) {
            total += lanes[i];
        }
        return total;
    }

    static float product(FloatVector v) {
        float[] lanes = FLOATS.get();
        v.intoArray(lanes, 0);
        float total = 1f;
        for (int i = 0, n = v.length(); i < n; i++) {
            total *= lanes[i];
        }
        return total;
    }

    static double product(DoubleVector v) {
        double[] lanes = DOUBLES.get();
        v.intoArray(lanes, 0);
        double total = 1.0;
        for (int i = 0, n = v.length(); i < n; i++) {
            total *= lanes[i];
        }
        return total;
    }
}
