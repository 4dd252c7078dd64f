package dev.adjoint.spi;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;

/** An input of an op as a backend receives it: a storage of this backend and the shape it holds. */
public record Operand(Storage storage, Shape shape) {

    public DType dtype() {
        return storage.dtype();
    }
}
