package dev.adjoint.openvino.export;

import dev.adjoint.Tensor;
import dev.adjoint.core.DType;
import java.util.Arrays;
import java.util.Objects;

/**
 * The type of one exported {@code Tensor} parameter: its dtype and dimensions, where {@code -1} is a dynamic
 * dimension (typically the batch: {@code InputSpec.of(DType.FLOAT32, -1, 64)}). The IR Parameter gets exactly this
 * shape; the deployment stub checks inputs against it.
 *
 * @param dtype the element type
 * @param dims the dimensions, {@code -1} for a dynamic one
 */
public record InputSpec(DType dtype, int[] dims) {

    public InputSpec {
        Objects.requireNonNull(dtype, "dtype");
        dims = dims.clone();
        for (int d : dims) {
            if (d < -1) {
                throw new IllegalArgumentException("dimension " + d + " in " + Arrays.toString(dims)
                        + ": use a length >= 0, or -1 for a dynamic one");
            }
        }
    }

    /** A parameter of {@code dtype} and {@code dims} ({@code -1}: dynamic). */
    public static InputSpec of(DType dtype, int... dims) {
        return new InputSpec(dtype, dims);
    }

    /** A float32 parameter of {@code dims} ({@code -1}: dynamic). */
    public static InputSpec f32(int... dims) {
        return new InputSpec(DType.FLOAT32, dims);
    }

    /** The dtype and shape of {@code sample}, all dimensions static. */
    public static InputSpec like(Tensor sample) {
        return new InputSpec(sample.dtype(), sample.shape().dims());
    }

    /** This spec with dimension 0 dynamic: any batch size. */
    public InputSpec withDynamicBatch() {
        if (dims.length == 0) {
            throw new IllegalArgumentException("a 0-d input has no batch dimension");
        }
        int[] out = dims.clone();
        out[0] = -1;
        return new InputSpec(dtype, out);
    }

    @Override
    public int[] dims() {
        return dims.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputSpec s && s.dtype == dtype && Arrays.equals(s.dims, dims);
    }

    @Override
    public int hashCode() {
        return 31 * dtype.hashCode() + Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return dtype + Arrays.toString(dims).replace("-1", "?");
    }
}
