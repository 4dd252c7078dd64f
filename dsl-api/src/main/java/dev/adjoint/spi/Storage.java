package dev.adjoint.spi;

import dev.adjoint.core.DType;

/**
 * A flat, row-major block of elements owned by one {@link Backend}: a Java array on the CPU, device
 * memory on a GPU. Tensors never write to a storage after creating it, so several tensors (a tensor
 * and its reshape, say) may share one. The exception is an optimizer updating a variable in place
 * ({@link Backend#executeInto}), which every tensor sharing that storage observes, as with PyTorch
 * views.
 *
 * <p>Ownership: {@code Tensor} counts the tensors sharing a storage and calls {@link #release()}
 * exactly once, when the last of them is released (see {@code Tensor.release()} and
 * {@code TensorScope}). A backend frees or recycles the memory there and must report any later
 * use of the storage as an error, never read memory that another storage now owns.
 */
public interface Storage {
    Backend backend();

    DType dtype();

    /** Number of elements. */
    long size();

    /**
     * Frees the memory now rather than at garbage collection: device memory is returned to the
     * device, a CPU array to the backend's buffer pool. Using the storage afterwards is an error the
     * backend reports. Idempotent. Code that holds tensors releases them ({@code Tensor.release()}),
     * which calls this once no tensor shares the storage any more.
     */
    default void release() {
    }
}
