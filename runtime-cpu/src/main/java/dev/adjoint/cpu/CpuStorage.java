package dev.adjoint.cpu;

import dev.adjoint.core.DType;
import dev.adjoint.spi.Backend;
import dev.adjoint.spi.Storage;

/**
 * A CPU storage: one Java array, {@code float[]}, {@code double[]}, {@code int[]}, {@code long[]}
 * or {@code boolean[]} by dtype. Kernels read the array directly; nothing writes to it after the
 * op that made it returns (see {@link Storage}).
 */
final class CpuStorage implements Storage {
    private final CpuBackend backend;
    private final DType dtype;
    private final Object array;
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

    Object array() {
        return array;
    }

    float[] floats() {
        return (float[]) array;
    }

    double[] doubles() {
        return (double[]) array;
    }

    int[] ints() {
        return (int[]) array;
    }

    long[] longs() {
        return (long[]) array;
    }

    boolean[] bools() {
        return (boolean[]) array;
    }
}
