package dev.adjoint.cpu;

import dev.adjoint.Shape;
import dev.adjoint.ops.Conv2dSpec;
import dev.adjoint.ops.Pool2dSpec;
import dev.adjoint.spi.Storage;

/** Placeholder until its kernels land (in progress on a branch). */
final class Convolution {
    private Convolution() {
    }

    static Storage conv2d(CpuBackend backend, CpuStorage x, Shape xShape, CpuStorage w, Shape wShape, Conv2dSpec spec, Shape outShape, boolean vector) {
        throw new UnsupportedOperationException("Convolution: in progress");
    }

    static Storage pool2d(CpuBackend backend, CpuStorage x, Shape xShape, Pool2dSpec spec, Shape outShape, boolean vector) {
        throw new UnsupportedOperationException("Convolution: in progress");
    }
}
