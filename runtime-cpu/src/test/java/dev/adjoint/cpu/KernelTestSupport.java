package dev.adjoint.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.spi.Storage;
import java.util.SplittableRandom;

/** Shared helpers: both backend flavours, seeded data of any dtype, and float64 comparisons. */
final class KernelTestSupport {
    static final CpuBackend SCALAR = new CpuBackend(false);
    static final CpuBackend VECTOR = new CpuBackend(true);
    /** Sizes that hit empty, single, SIMD tails of 512-bit float and double vectors, and the parallel path. */
    static final int[] SIZES = {0, 1, 7, 15, 17, 33, 1023, 70_001};

    private KernelTestSupport() {
    }

    static CpuBackend backend(boolean vector) {
        return vector ? VECTOR : SCALAR;
    }

    /**
     * {@code n} random values of {@code dtype} as doubles: floats in [-3, 3], integers in
     * [-lo, hi], booleans 0/1.
     */
    static double[] randomValues(DType dtype, int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = switch (dtype) {
                case FLOAT32 -> (float) (random.nextDouble() * 6 - 3);
                case FLOAT64 -> random.nextDouble() * 6 - 3;
                case INT32, INT64 -> random.nextInt(-50, 51);
                case BOOL -> random.nextBoolean() ? 1 : 0;
            };
        }
        return v;
    }

    /** A Java array of {@code dtype} holding {@code values}, converted like a cast. */
    static Object array(DType dtype, double[] values) {
        int n = values.length;
        return switch (dtype) {
            case FLOAT32 -> { float[] a = new float[n]; for (int i = 0; i < n; i++) a[i] = (float) values[i]; yield a; }
            case FLOAT64 -> values.clone();
            case INT32 -> { int[] a = new int[n]; for (int i = 0; i < n; i++) a[i] = (int) values[i]; yield a; }
            case INT64 -> { long[] a = new long[n]; for (int i = 0; i < n; i++) a[i] = (long) values[i]; yield a; }
            case BOOL -> { boolean[] a = new boolean[n]; for (int i = 0; i < n; i++) a[i] = values[i] != 0; yield a; }
        };
    }

    static Storage storage(CpuBackend backend, DType dtype, double[] values) {
        return backend.fromArray(array(dtype, values), dtype);
    }

    /** The storage's elements widened to double (booleans as 1/0). */
    static double[] values(CpuBackend backend, Storage s) {
        Object a = backend.toArray(s);
        double[] v = new double[(int) s.size()];
        switch (a) {
            case float[] x -> { for (int i = 0; i < v.length; i++) v[i] = x[i]; }
            case double[] x -> System.arraycopy(x, 0, v, 0, v.length);
            case int[] x -> { for (int i = 0; i < v.length; i++) v[i] = x[i]; }
            case long[] x -> { for (int i = 0; i < v.length; i++) v[i] = x[i]; }
            case boolean[] x -> { for (int i = 0; i < v.length; i++) v[i] = x[i] ? 1 : 0; }
            default -> fail("unexpected array " + a.getClass());
        }
        return v;
    }

    /** Rounds a float64 reference value to what {@code dtype} can hold. */
    static double round(DType dtype, double v) {
        return switch (dtype) {
            case FLOAT32 -> (float) v;
            case INT32 -> (int) (long) v;
            case BOOL -> v != 0 ? 1 : 0;
            default -> v;
        };
    }

    /** Equal within {@code rel * |expected| + abs}; NaN matches NaN and infinities match exactly. */
    static void assertClose(String context, double[] expected, double[] actual, double rel, double abs) {
        assertEquals(expected.length, actual.length, context + ": length");
        for (int i = 0; i < expected.length; i++) {
            assertClose(context + " at " + i, expected[i], actual[i], rel, abs);
        }
    }

    static void assertClose(String context, double expected, double actual, double rel, double abs) {
        if (Double.isNaN(expected) || Double.isInfinite(expected)) {
            if (Double.compare(expected, actual) != 0) {
                fail(context + ": expected " + expected + " but was " + actual);
            }
            return;
        }
        if (!(Math.abs(expected - actual) <= rel * Math.abs(expected) + abs)) {
            fail(context + ": expected " + expected + " but was " + actual + " (difference "
                    + Math.abs(expected - actual) + ")");
        }
    }

    /**
     * For each element of {@code out}, the flat index into an operand of {@code shape} broadcast to
     * it: an independent reading of NumPy's rule.
     */
    static int[] broadcastIndex(Shape shape, Shape out) {
        int n = (int) out.size();
        int[] index = new int[n];
        int[] outDims = out.dims();
        int[] dims = shape.dims();
        int shift = outDims.length - dims.length;
        for (int flat = 0; flat < n; flat++) {
            int rest = flat;
            int source = 0;
            int stride = 1;
            for (int d = outDims.length - 1; d >= 0; d--) {
                int i = rest % outDims[d];
                rest /= outDims[d];
                if (d >= shift) {
                    int size = dims[d - shift];
                    source += (size == 1 ? 0 : i) * stride;
                    stride *= size;
                }
            }
            index[flat] = source;
        }
        return index;
    }
}
