package dev.adjoint.op;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import java.util.Objects;

/**
 * The type of a tensor as shape inference sees it: its dtype and shape, no data. What an
 * {@link Op} infers from its inputs' types.
 */
public record TensorType(DType dtype, Shape shape) {

    public TensorType {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
    }

    public static TensorType of(DType dtype, int... dims) {
        return new TensorType(dtype, Shape.of(dims));
    }

    public int rank() {
        return shape.rank();
    }

    @Override
    public String toString() {
        return dtype + shape.toString();
    }
}
