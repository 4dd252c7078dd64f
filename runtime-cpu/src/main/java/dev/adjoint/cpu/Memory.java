package dev.adjoint.cpu;

import dev.adjoint.DType;
import dev.adjoint.spi.Storage;

/** Placeholder until its kernels land (in progress on a branch). */
final class Memory {
    private Memory() {
    }

    static Storage fromArray(CpuBackend backend, Object array, DType dtype) {
        throw new UnsupportedOperationException("Memory: in progress");
    }

    static Object toArray(CpuStorage x) {
        throw new UnsupportedOperationException("Memory: in progress");
    }

    static Storage full(CpuBackend backend, DType dtype, long size, double value) {
        throw new UnsupportedOperationException("Memory: in progress");
    }

    static Storage cast(CpuBackend backend, CpuStorage x, DType to) {
        throw new UnsupportedOperationException("Memory: in progress");
    }
}
