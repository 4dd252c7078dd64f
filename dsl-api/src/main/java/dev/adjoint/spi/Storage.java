package dev.adjoint.spi;

import dev.adjoint.core.DType;

/**
 * A flat, row-major block of elements owned by one {@link Backend}: a Java array on the CPU, device
 * memory on a GPU. Tensors never write to a storage after creating it, so several tensors (a tensor
 * and its reshape, say) may share one. The exception is an optimizer updating a variable in place,
 * which every tensor sharing that storage observes, as with PyTorch views.
 */
public interface Storage {
    Backend backend();

    DType dtype();

    /** Number of elements. */
    long size();

    /**
     * Frees the memory now rather than at garbage collection. Only device backends need it; using
     * the storage afterwards is an error the backend reports. Idempotent.
     */
    default void release() {
    }
}
