package dev.adjoint.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.adjoint.core.DType;
import java.util.Arrays;
import java.util.SplittableRandom;

/** Builds CPU storages straight from arrays and compares results, for the linear-algebra tests. */
final class MatmulTestSupport {
    static final CpuBackend SCALAR = new CpuBackend(false);
    static final CpuBackend VECTOR = new CpuBackend(true);

    private MatmulTestSupport() {
    }

    /**
     * A storage of {@code dtype} holding {@code values}, rounded to the type; integer types get
     * small whole numbers so that products stay exact.
     */
    static CpuStorage storage(CpuBackend backend, DType dtype, double[] values) {
        int n = values.length;
        Object array = switch (dtype) {
            case FLOAT32 -> {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = (float) values[i];
                }
                yield f;
            }
            case FLOAT64 -> values.clone();
            case INT32 -> {
                int[] v = new int[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (int) values[i];
                }
                yield v;
            }
            case INT64 -> {
                long[] v = new long[n];
                for (int i = 0; i < n; i++) {
                    v[i] = (long) values[i];
                }
                yield v;
            }
            case BOOL -> throw new IllegalArgumentException("no bool storages in these tests");
        };
        return new CpuStorage(backend, dtype, array, n);
    }

    /**
     * Random values for {@code dtype}: uniform in [-1, 1) for floats, whole numbers in [-4, 4] for
     * integers, so an integer result is exactly representable as a double.
     */
    static double[] randomValues(SplittableRandom random, DType dtype, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = dtype.isFloating() ? random.nextDouble(-1, 1) : random.nextInt(-4, 5);
        }
        // Round float32 inputs now so that the float64 reference sees exactly what the kernel sees.
        if (dtype == DType.FLOAT32) {
            for (int i = 0; i < n; i++) {
                v[i] = (float) v[i];
            }
        }
        return v;
    }

    /** {@code n} float32 values uniform in [-1, 1), for the tests that call the float kernels directly. */
    static float[] randomFloats(SplittableRandom random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextDouble(-1, 1);
        }
        return v;
    }

    /**
     * Element {@code (i, j)} of {@code A * B} in float64, for a row-major A ({@code k} columns) and a row-major B
     * ({@code n} columns): the reference the float32 kernels are held to.
     */
    static double referenceEntry(float[] a, float[] b, int i, int j, int k, int n) {
        double sum = 0;
        for (int p = 0; p < k; p++) {
            sum += (double) a[i * k + p] * b[p * n + j];
        }
        return sum;
    }

    /** NaN everywhere, for an output every element of which a kernel must write, not accumulate onto. */
    static float[] nanFilled(int size) {
        float[] c = new float[size];
        Arrays.fill(c, Float.NaN);
        return c;
    }

    /** The elements of a storage as doubles. */
    static double[] values(CpuStorage s) {
        int n = (int) s.size();
        double[] out = new double[n];
        switch (s.dtype()) {
            case FLOAT32 -> {
                float[] f = s.floats();
                for (int i = 0; i < n; i++) {
                    out[i] = f[i];
                }
            }
            case FLOAT64 -> System.arraycopy(s.doubles(), 0, out, 0, n);
            case INT32 -> {
                int[] v = s.ints();
                for (int i = 0; i < n; i++) {
                    out[i] = v[i];
                }
            }
            case INT64 -> {
                long[] v = s.longs();
                for (int i = 0; i < n; i++) {
                    out[i] = v[i];
                }
            }
            case BOOL -> throw new IllegalArgumentException("no bool storages in these tests");
        }
        return out;
    }

    /**
     * Asserts {@code actual} equals {@code expected} element by element within
     * {@code tolerance * scale[i]} (exactly for a zero tolerance), naming the first bad index.
     */
    static void assertClose(String what, double[] expected, double[] scale, double[] actual, double tolerance) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double allowed = tolerance * Math.max(1, scale[i]);
            if (!(Math.abs(expected[i] - actual[i]) <= allowed)) {
                fail(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i] + " (allowed error "
                        + allowed + ")");
            }
        }
    }
}
