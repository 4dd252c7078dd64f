package dev.adjoint.cpu;

import dev.adjoint.Shape;
import dev.adjoint.ops.BinaryOp;
import dev.adjoint.ops.UnaryOp;
import dev.adjoint.spi.Storage;

/** Placeholder until its kernels land (in progress on a branch). */
final class Elementwise {
    private Elementwise() {
    }

    static Storage unary(CpuBackend backend, UnaryOp op, CpuStorage x, boolean vector) {
        throw new UnsupportedOperationException("Elementwise: in progress");
    }

    static Storage binary(CpuBackend backend, BinaryOp op, CpuStorage a, Shape aShape, CpuStorage b, Shape bShape, Shape outShape, boolean vector) {
        throw new UnsupportedOperationException("Elementwise: in progress");
    }

    static Storage where(CpuBackend backend, CpuStorage cond, Shape condShape, CpuStorage a, Shape aShape, CpuStorage b, Shape bShape, Shape outShape) {
        throw new UnsupportedOperationException("Elementwise: in progress");
    }
}
