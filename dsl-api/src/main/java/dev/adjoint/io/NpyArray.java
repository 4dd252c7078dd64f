package dev.adjoint.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * One array of a {@code .npy} file: its NumPy dtype, its shape and its data, normalised to little-endian
 * bytes in C (row-major) order whatever the file held.
 *
 * @param dtype the dtype as NumPy's kind letter and byte width, without byte order: {@code "f4"}, {@code "i8"},
 *     {@code "b1"}, ...
 * @param shape the dimensions; empty for a 0-d array
 * @param data the elements, little-endian, C order; its length is the element count times the width
 */
public record NpyArray(String dtype, long[] shape, byte[] data) {

    public NpyArray {
        Objects.requireNonNull(dtype, "dtype");
        shape = shape.clone();
        long count = 1;
        for (long dim : shape) {
            if (dim < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            count = Math.multiplyExact(count, dim);
        }
        if (data.length != Math.multiplyExact(count, width(dtype))) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " of " + dtype + " needs "
                    + count * width(dtype) + " bytes, got " + data.length);
        }
    }

    /** Bytes per element of {@code dtype}, the digits after its kind letter. */
    static int width(String dtype) {
        return Integer.parseInt(dtype.substring(1));
    }

    /** The number of elements. */
    public long size() {
        long count = 1;
        for (long dim : shape) {
            count *= dim;
        }
        return count;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyArray other && dtype.equals(other.dtype) && Arrays.equals(shape, other.shape)
                && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(dtype, Arrays.hashCode(shape), Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return "NpyArray[" + dtype + " " + Arrays.toString(shape) + "]";
    }
}
