package dev.adjoint.cpu;

import dev.adjoint.Shape;
import dev.adjoint.ops.ReduceOp;
import dev.adjoint.spi.Storage;

/** Placeholder until its kernels land (in progress on a branch). */
final class Reductions {
    private Reductions() {
    }

    static Storage reduce(CpuBackend backend, ReduceOp op, CpuStorage x, Shape shape, int[] axes, boolean vector) {
        throw new UnsupportedOperationException("Reductions: in progress");
    }

    static Storage softmax(CpuBackend backend, CpuStorage x, Shape shape, int axis, boolean log, boolean vector) {
        throw new UnsupportedOperationException("Reductions: in progress");
    }
}
