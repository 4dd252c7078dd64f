package dev.adjoint.cpu;

import dev.adjoint.Shape;
import dev.adjoint.spi.Storage;

/** Placeholder until its kernels land (in progress on a branch). */
final class Matmul {
    private Matmul() {
    }

    static Storage matmul(CpuBackend backend, CpuStorage a, Shape aShape, boolean transposeA, CpuStorage b, Shape bShape, boolean transposeB, Shape outShape, boolean vector) {
        throw new UnsupportedOperationException("Matmul: in progress");
    }
}
