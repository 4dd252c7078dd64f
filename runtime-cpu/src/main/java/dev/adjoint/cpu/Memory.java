package dev.adjoint.cpu;

import dev.adjoint.core.DType;
import dev.adjoint.spi.Storage;
import java.util.Arrays;

/**
 * Creating, copying, filling and converting CPU storages. Every other kernel family allocates its
 * output through {@link #allocate}, so the size limit of a Java array is checked in one place.
 */
final class Memory {
    /** The largest array HotSpot reliably allocates; {@code Integer.MAX_VALUE} itself fails. */
    static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private Memory() {
    }

    /** Checks that {@code size} elements fit one Java array and returns it as an {@code int}. */
    static int checkedSize(long size) {
        if (size < 0) {
            throw new IllegalArgumentException("CPU storage size is negative: " + size);
        }
        if (size > MAX_ELEMENTS) {
            throw new IllegalArgumentException("CPU storage of " + size + " elements exceeds the Java array limit of "
                    + MAX_ELEMENTS + " elements");
        }
        return (int) size;
    }

    /** A zero-filled storage of {@code size} elements of {@code dtype}; a recycled array is cleared. */
    static CpuStorage allocate(CpuBackend backend, DType dtype, long size) {
        int n = checkedSize(size);
        Object recycled = backend.pool().take(dtype, n);
        if (recycled != null) {
            fill(recycled, 0, n, 0);
            return new CpuStorage(backend, dtype, recycled, n);
        }
        return new CpuStorage(backend, dtype, newArray(dtype, n), n);
    }

    /**
     * A storage of {@code size} elements of {@code dtype} whose contents are undefined (a recycled
     * array is not cleared): only for kernels that write every element of their output.
     */
    static CpuStorage allocateForOverwrite(CpuBackend backend, DType dtype, long size) {
        int n = checkedSize(size);
        Object recycled = backend.pool().take(dtype, n);
        return new CpuStorage(backend, dtype, recycled != null ? recycled : newArray(dtype, n), n);
    }

    private static Object newArray(DType dtype, int n) {
        return switch (dtype) {
            case BOOL -> new boolean[n];
            case INT32 -> new int[n];
            case INT64 -> new long[n];
            case FLOAT32 -> new float[n];
            case FLOAT64 -> new double[n];
        };
    }

    static Storage fromArray(CpuBackend backend, Object array, DType dtype) {
        if (array == null || dtype == null) {
            throw new IllegalArgumentException("fromArray needs an array and a dtype, got " + array + " and " + dtype);
        }
        int length = switch (array) {
            case float[] a when dtype == DType.FLOAT32 -> a.length;
            case double[] a when dtype == DType.FLOAT64 -> a.length;
            case int[] a when dtype == DType.INT32 -> a.length;
            case long[] a when dtype == DType.INT64 -> a.length;
            case boolean[] a when dtype == DType.BOOL -> a.length;
            default -> throw new IllegalArgumentException("fromArray: a " + array.getClass().getSimpleName()
                    + " cannot hold dtype " + dtype + " (expected " + arrayTypeName(dtype) + ")");
        };
        CpuStorage copy = allocateForOverwrite(backend, dtype, length);
        System.arraycopy(array, 0, copy.array(), 0, length);
        return copy;
    }

    /** A copy of the storage's elements (its array may be longer, see {@link BufferPool}). */
    static Object toArray(CpuStorage x) {
        int n = (int) x.size();
        return switch (x.array()) {
            case float[] a -> Arrays.copyOf(a, n);
            case double[] a -> Arrays.copyOf(a, n);
            case int[] a -> Arrays.copyOf(a, n);
            case long[] a -> Arrays.copyOf(a, n);
            case boolean[] a -> Arrays.copyOf(a, n);
            default -> throw new IllegalStateException("CPU storage holds a " + x.array().getClass());
        };
    }

    static Storage full(CpuBackend backend, DType dtype, long size, double value) {
        CpuStorage out = allocate(backend, dtype, size);
        fill(out.array(), 0, (int) out.size(), value);
        return out;
    }

    /**
     * Sets {@code array[from, to)} to {@code value} converted like {@link #cast}: truncation for
     * integers, {@code value != 0} for booleans.
     */
    static void fill(Object array, int from, int to, double value) {
        switch (array) {
            case float[] a -> Arrays.fill(a, from, to, (float) value);
            case double[] a -> Arrays.fill(a, from, to, value);
            case int[] a -> Arrays.fill(a, from, to, (int) value);
            case long[] a -> Arrays.fill(a, from, to, (long) value);
            case boolean[] a -> Arrays.fill(a, from, to, value != 0);
            default -> throw new IllegalStateException("not a storage array: " + array.getClass());
        }
    }

    /**
     * Converts every element with Java's casts: floating to integer truncates toward zero (NaN
     * becomes 0 and out-of-range values saturate, where C leaves them undefined), integer to
     * narrower integer wraps, any number to {@code bool} is {@code x != 0} and {@code bool} to a
     * number is 1 or 0.
     */
    static Storage cast(CpuBackend backend, CpuStorage x, DType to) {
        int n = (int) x.size();
        CpuStorage out = allocateForOverwrite(backend, to, n);
        if (x.dtype() == to) {
            System.arraycopy(x.array(), 0, out.array(), 0, n);
            return out;
        }
        switch (x.array()) {
            case float[] a -> castFrom(a, out.array(), n);
            case double[] a -> castFrom(a, out.array(), n);
            case int[] a -> castFrom(a, out.array(), n);
            case long[] a -> castFrom(a, out.array(), n);
            case boolean[] a -> castFrom(a, out.array(), n);
            default -> throw new IllegalStateException("CPU storage holds a " + x.array().getClass());
        }
        return out;
    }

    private static void castFrom(float[] a, Object out, int n) {
        switch (out) {
            case double[] o -> { for (int i = 0; i < n; i++) o[i] = a[i]; }
            case int[] o -> { for (int i = 0; i < n; i++) o[i] = (int) a[i]; }
            case long[] o -> { for (int i = 0; i < n; i++) o[i] = (long) a[i]; }
            case boolean[] o -> { for (int i = 0; i < n; i++) o[i] = a[i] != 0; }
            default -> throw new IllegalStateException("unexpected cast target " + out.getClass());
        }
    }

    private static void castFrom(double[] a, Object out, int n) {
        switch (out) {
            case float[] o -> { for (int i = 0; i < n; i++) o[i] = (float) a[i]; }
            case int[] o -> { for (int i = 0; i < n; i++) o[i] = (int) a[i]; }
            case long[] o -> { for (int i = 0; i < n; i++) o[i] = (long) a[i]; }
            case boolean[] o -> { for (int i = 0; i < n; i++) o[i] = a[i] != 0; }
            default -> throw new IllegalStateException("unexpected cast target " + out.getClass());
        }
    }

    private static void castFrom(int[] a, Object out, int n) {
        switch (out) {
            case float[] o -> { for (int i = 0; i < n; i++) o[i] = a[i]; }
            case double[] o -> { for (int i = 0; i < n; i++) o[i] = a[i]; }
            case long[] o -> { for (int i = 0; i < n; i++) o[i] = a[i]; }
            case boolean[] o -> { for (int i = 0; i < n; i++) o[i] = a[i] != 0; }
            default -> throw new IllegalStateException("unexpected cast target " + out.getClass());
        }
    }

    private static void castFrom(long[] a, Object out, int n) {
        switch (out) {
            case float[] o -> { for (int i = 0; i < n; i++) o[i] = a[i]; }
            case double[] o -> { for (int i = 0; i < n; i++) o[i] = a[i]; }
            case int[] o -> { for (int i = 0; i < n; i++) o[i] = (int) a[i]; }
            case boolean[] o -> { for (int i = 0; i < n; i++) o[i] = a[i] != 0; }
            default -> throw new IllegalStateException("unexpected cast target " + out.getClass());
        }
    }

    private static void castFrom(boolean[] a, Object out, int n) {
        switch (out) {
            case float[] o -> { for (int i = 0; i < n; i++) o[i] = a[i] ? 1 : 0; }
            case double[] o -> { for (int i = 0; i < n; i++) o[i] = a[i] ? 1 : 0; }
            case int[] o -> { for (int i = 0; i < n; i++) o[i] = a[i] ? 1 : 0; }
            case long[] o -> { for (int i = 0; i < n; i++) o[i] = a[i] ? 1 : 0; }
            default -> throw new IllegalStateException("unexpected cast target " + out.getClass());
        }
    }

    private static String arrayTypeName(DType dtype) {
        return switch (dtype) {
            case BOOL -> "boolean[]";
            case INT32 -> "int[]";
            case INT64 -> "long[]";
            case FLOAT32 -> "float[]";
            case FLOAT64 -> "double[]";
        };
    }
}
