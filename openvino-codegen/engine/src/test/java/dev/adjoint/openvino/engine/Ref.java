package dev.adjoint.openvino.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Float64 reference helpers for the op tests: row-major index arithmetic and comparisons. */
final class Ref {
    private Ref() {
    }

    static int[] strides(int[] shape) {
        int[] s = new int[shape.length];
        int acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /** The coordinates of flat index {@code i} in {@code shape}. */
    static int[] coords(int i, int[] shape) {
        int[] c = new int[shape.length];
        for (int k = shape.length - 1; k >= 0; k--) {
            c[k] = shape[k] == 0 ? 0 : i % shape[k];
            i = shape[k] == 0 ? 0 : i / shape[k];
        }
        return c;
    }

    static int flat(int[] c, int[] shape) {
        int i = 0;
        for (int k = 0; k < shape.length; k++) {
            i = i * shape[k] + c[k];
        }
        return i;
    }

    /** Element of {@code values} (shape {@code shape}) at output coordinates broadcast NumPy-style. */
    static double broadcastGet(double[] values, int[] shape, int[] outCoords) {
        int offset = outCoords.length - shape.length;
        int i = 0;
        for (int k = 0; k < shape.length; k++) {
            int c = shape[k] == 1 ? 0 : outCoords[k + offset];
            i = i * shape[k] + c;
        }
        return values[i];
    }

    static void assertClose(double[] want, float[] got, double tol, String what) {
        assertEquals(want.length, got.length, what + ": element count");
        for (int i = 0; i < want.length; i++) {
            double w = want[i];
            if (Double.isNaN(w)) {
                assertEquals(Float.NaN, got[i], what + " at " + i);
            } else if (Double.isInfinite(w)) {
                assertEquals((float) w, got[i], what + " at " + i);
            } else {
                assertEquals(w, got[i], tol * Math.max(1, Math.abs(w)), what + " at " + i);
            }
        }
    }

    static void assertClose(double[] want, double[] got, double tol, String what) {
        assertEquals(want.length, got.length, what + ": element count");
        for (int i = 0; i < want.length; i++) {
            if (Double.isNaN(want[i])) {
                assertEquals(Double.NaN, got[i], what + " at " + i);
            } else {
                assertEquals(want[i], got[i], tol * Math.max(1, Math.abs(want[i])), what + " at " + i);
            }
        }
    }

    static void assertShape(int[] want, OvTensor got) {
        assertArrayEquals(want, got.dims(), "shape");
    }

    /** erf by Simpson integration of 2/sqrt(pi) exp(-t^2) with 2000 panels: independent of the engine's formula. */
    static double erf(double x) {
        if (Double.isNaN(x)) {
            return Double.NaN;
        }
        if (Math.abs(x) > 6) {
            return Math.signum(x);
        }
        int n = 2000;
        double h = x / n;
        double sum = 1 + Math.exp(-x * x);
        for (int i = 1; i < n; i++) {
            double t = i * h;
            sum += (i % 2 == 1 ? 4 : 2) * Math.exp(-t * t);
        }
        return 2 / Math.sqrt(Math.PI) * sum * h / 3;
    }
}
