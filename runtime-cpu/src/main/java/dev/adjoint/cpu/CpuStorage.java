package dev.adjoint.cpu;

import dev.adjoint.core.DType;
import dev.adjoint.spi.Backend;
import dev.adjoint.spi.Storage;

/**
 * A CPU storage: one Java array, {@code float[]}, {@code double[]}, {@code int[]}, {@code long[]}
 * or {@code boolean[]} by dtype, whose first {@link #size()} elements are the values. A float array
 * recycled by the {@link BufferPool} may be longer: kernels bound their loops by the size, never by
 * the array's length. Kernels read the array directly; nothing writes to it after the op that made
 * it returns, except an in-place update ({@link CpuBackend#executeInto}).
 *
 * <p>{@link #release()} hands the array to the backend's {@link BufferPool} and forgets it, so a
 * later use of this storage fails with a clear message instead of reading an array that another
 * storage has been given.
 */
final class CpuStorage implements Storage {
    private final CpuBackend backend;
    private final DType dtype;
    private Object array;
    private final int size;

    CpuStorage(CpuBackend backend, DType dtype, Object array, int size) {
        this.backend = backend;
        this.dtype = dtype;
        this.array = array;
        this.size = size;
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public long size() {
        return size;
    }

    /** Recycles the array; idempotent. */
    @Override
    public void release() {
        Object recycled;
        synchronized (this) {
            recycled = array;
            array = null;
        }
        if (recycled != null) {
            backend.pool().give(dtype, recycled);
        }
    }

    /** True once {@link #release()} gave the array back. */
    boolean isReleased() {
        return array == null;
    }

    Object array() {
        Object a = array;
        if (a == null) {
            throw new IllegalStateException("use of a released CPU storage (" + dtype + ", " + size
                    + " elements): its array was recycled; release a tensor only after its last use");
        }
        return a;
    }

    float[] floats() {
        return (float[]) array();
    }

    double[] doubles() {
        return (double[]) array();
    }

    int[] ints() {
        return (int[]) array();
    }

    long[] longs() {
        return (long[]) array();
    }

    boolean[] bools() {
        return (boolean[]) array();
    }
}
