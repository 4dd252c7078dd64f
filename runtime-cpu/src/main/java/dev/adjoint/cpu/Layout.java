package dev.adjoint.cpu;

import dev.adjoint.Shape;
import dev.adjoint.spi.Storage;
import java.util.List;

/** Placeholder until its kernels land (in progress on a branch). */
final class Layout {
    private Layout() {
    }

    static Storage strided(CpuBackend backend, CpuStorage x, long offset, long[] strides, Shape outShape) {
        throw new UnsupportedOperationException("Layout: in progress");
    }

    static Storage concat(CpuBackend backend, List<CpuStorage> parts, List<Shape> shapes, int axis, Shape outShape) {
        throw new UnsupportedOperationException("Layout: in progress");
    }

    static Storage pad(CpuBackend backend, CpuStorage x, Shape shape, int[] before, int[] after, double value, Shape outShape) {
        throw new UnsupportedOperationException("Layout: in progress");
    }

    static Storage gather(CpuBackend backend, CpuStorage x, Shape shape, int axis, CpuStorage indices, Shape indexShape, Shape outShape) {
        throw new UnsupportedOperationException("Layout: in progress");
    }
}
