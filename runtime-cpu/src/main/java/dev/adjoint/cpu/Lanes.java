package dev.adjoint.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;

/**
 * Sums and products of a vector's lanes in one fixed order, lane 0 first. The Vector API's
 * {@code reduceLanes(ADD)} and {@code reduceLanes(MUL)} leave the order unspecified for floating point, and the
 * interpreter and the JIT's intrinsic do use different orders: the same kernel on the same data could round
 * differently before and after warm-up, so that a training run resumed from a checkpoint would drift from the
 * uninterrupted one. Called once per reduction, not per element, so the lane loop costs nothing measurable.
 */
final class Lanes {

    private Lanes() {
    }

    static float sum(FloatVector v) {
        float[] lanes = v.toArray();
        float total = 0f;
        for (float lane : lanes) {
            total += lane;
        }
        return total;
    }

    static double sum(DoubleVector v) {
        double[] lanes = v.toArray();
        double total = 0.0;
        for (double lane : lanes) {
            total += lane;
        }
        return total;
    }

    static float product(FloatVector v) {
        float[] lanes = v.toArray();
        float total = 1f;
        for (float lane : lanes) {
            total *= lane;
        }
        return total;
    }

    static double product(DoubleVector v) {
        double[] lanes = v.toArray();
        double total = 1.0;
        for (double lane : lanes) {
            total *= lane;
        }
        return total;
    }
}
