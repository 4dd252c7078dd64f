package dev.adjoint.cpu;

import dev.adjoint.core.Shape;
import dev.adjoint.spi.Storage;
import java.util.Arrays;
import java.util.List;

/**
 * Ops that move elements without computing on them: strided views made contiguous, concat, pad
 * and gather, and gather's adjoint indexAdd. They work on any dtype through {@link System#arraycopy}, which takes every
 * primitive array, and fall back to a typed loop only for strided single elements.
 */
final class Layout {
    private Layout() {
    }

    static Storage strided(CpuBackend backend, CpuStorage x, long offset, long[] strides, Shape outShape) {
        int rank = outShape.rank();
        if (strides.length != rank) {
            throw new IllegalArgumentException("strided: " + strides.length + " strides for output shape " + outShape);
        }
        int n = Memory.checkedSize(outShape.size());
        // Every output row is copied below.
        CpuStorage out = Memory.allocateForOverwrite(backend, x.dtype(), n);
        if (n == 0) {
            return out;
        }
        int[] dims = outShape.dims();
        // The lowest and highest element reached bound every read, so checking them checks all.
        long lowest = offset;
        long highest = offset;
        for (int d = 0; d < rank; d++) {
            long span = strides[d] * (dims[d] - 1);
            lowest += Math.min(0, span);
            highest += Math.max(0, span);
        }
        if (lowest < 0 || highest >= x.size()) {
            throw new IllegalArgumentException("strided: offset " + offset + " and strides "
                    + java.util.Arrays.toString(strides) + " for shape " + outShape + " read elements " + lowest
                    + " to " + highest + " of a storage of " + x.size());
        }
        Object src = x.array();
        Object dst = out.array();
        int rowLength = rank == 0 ? 1 : dims[rank - 1];
        int rowStride = rank == 0 ? 1 : (int) strides[rank - 1];
        int rows = n / rowLength;
        if (rows == 1) {
            // One long row (a broadcast scalar, a reversed vector): split it between the cores.
            Parallel.forRange(rowLength, Elementwise.PARALLEL_GRAIN, (from, to) ->
                    copyStrided(src, (int) (offset + (long) from * rowStride), rowStride, dst, from, to - from));
            return out;
        }
        Parallel.forRange(rows, Math.max(1, Elementwise.PARALLEL_GRAIN / rowLength), (first, last) -> {
            // The row-major index of row 'first' in the leading dimensions, and where that row starts.
            int[] index = new int[rank - 1];
            long rowStart = offset;
            for (int d = rank - 2, rest = first; d >= 0; d--) {
                index[d] = rest % dims[d];
                rest /= dims[d];
                rowStart += strides[d] * index[d];
            }
            for (int row = first; row < last; row++) {
                copyStrided(src, (int) rowStart, rowStride, dst, row * rowLength, rowLength);
                for (int d = rank - 2; d >= 0; d--) {
                    rowStart += strides[d];
                    if (++index[d] < dims[d]) {
                        break;
                    }
                    rowStart -= strides[d] * dims[d];
                    index[d] = 0;
                }
            }
        });
        return out;
    }

    /** Copies {@code n} elements read {@code stride} apart (possibly 0 or negative) to a contiguous run. */
    private static void copyStrided(Object src, int from, int stride, Object dst, int to, int n) {
        if (stride == 1) {
            System.arraycopy(src, from, dst, to, n);
            return;
        }
        if (stride == 0) {
            // One element repeated (a broadcast): Arrays.fill, which the JIT turns into SIMD stores.
            switch (src) {
                case float[] s -> Arrays.fill((float[]) dst, to, to + n, s[from]);
                case double[] s -> Arrays.fill((double[]) dst, to, to + n, s[from]);
                case int[] s -> Arrays.fill((int[]) dst, to, to + n, s[from]);
                case long[] s -> Arrays.fill((long[]) dst, to, to + n, s[from]);
                case boolean[] s -> Arrays.fill((boolean[]) dst, to, to + n, s[from]);
                default -> throw new IllegalStateException("not a storage array: " + src.getClass());
            }
            return;
        }
        switch (src) {
            case float[] s -> { float[] d = (float[]) dst; for (int i = 0; i < n; i++) d[to + i] = s[from + i * stride]; }
            case double[] s -> { double[] d = (double[]) dst; for (int i = 0; i < n; i++) d[to + i] = s[from + i * stride]; }
            case int[] s -> { int[] d = (int[]) dst; for (int i = 0; i < n; i++) d[to + i] = s[from + i * stride]; }
            case long[] s -> { long[] d = (long[]) dst; for (int i = 0; i < n; i++) d[to + i] = s[from + i * stride]; }
            case boolean[] s -> { boolean[] d = (boolean[]) dst; for (int i = 0; i < n; i++) d[to + i] = s[from + i * stride]; }
            default -> throw new IllegalStateException("not a storage array: " + src.getClass());
        }
    }

    static Storage concat(CpuBackend backend, List<CpuStorage> parts, List<Shape> shapes, int axis, Shape outShape) {
        if (parts.isEmpty() || parts.size() != shapes.size()) {
            throw new IllegalArgumentException("concat needs one shape per part and at least one part, got "
                    + parts.size() + " parts and " + shapes.size() + " shapes");
        }
        if (axis < 0 || axis >= outShape.rank()) {
            throw new IllegalArgumentException("concat: axis " + axis + " is out of range for " + outShape);
        }
        int n = Memory.checkedSize(outShape.size());
        CpuStorage out = Memory.allocate(backend, parts.getFirst().dtype(), n);
        int outer = outer(outShape, axis);
        int inner = inner(outShape, axis);
        int outRow = outShape.dim(axis) * inner;
        int column = 0;
        for (int p = 0; p < parts.size(); p++) {
            CpuStorage part = parts.get(p);
            Shape shape = shapes.get(p);
            if (part.dtype() != out.dtype() || part.size() != shape.size()) {
                throw new IllegalArgumentException("concat: part " + p + " (" + part.dtype() + ", " + part.size()
                        + " elements) does not match " + out.dtype() + " " + shape);
            }
            int partRow = shape.dim(axis) * inner;
            for (int o = 0; o < outer && partRow > 0; o++) {
                System.arraycopy(part.array(), o * partRow, out.array(), o * outRow + column, partRow);
            }
            column += partRow;
        }
        return out;
    }

    static Storage pad(CpuBackend backend, CpuStorage x, Shape shape, int[] before, int[] after, double value,
            Shape outShape) {
        int rank = shape.rank();
        if (before.length != rank || after.length != rank || outShape.rank() != rank) {
            throw new IllegalArgumentException("pad: " + before.length + "/" + after.length + " pad widths and output "
                    + outShape + " for input " + shape);
        }
        for (int d = 0; d < rank; d++) {
            if (before[d] < 0 || after[d] < 0 || outShape.dim(d) != before[d] + shape.dim(d) + after[d]) {
                throw new IllegalArgumentException("pad: widths " + before[d] + " and " + after[d] + " on axis " + d
                        + " of " + shape + " do not give " + outShape);
            }
        }
        int n = Memory.checkedSize(outShape.size());
        CpuStorage out = Memory.allocate(backend, x.dtype(), n);
        Memory.fill(out.array(), 0, n, value);
        if (x.size() == 0) {
            return out;
        }
        if (rank == 0) {
            System.arraycopy(x.array(), 0, out.array(), 0, 1);
            return out;
        }
        int[] dims = shape.dims();
        long[] outStrides = outShape.strides();
        // Each input row (last axis) lands contiguously; an odometer walks the other axes.
        int rowLength = dims[rank - 1];
        long start = 0;
        for (int d = 0; d < rank; d++) {
            start += before[d] * outStrides[d];
        }
        int[] index = new int[rank - 1];
        for (int row = 0, rows = (int) (x.size() / rowLength); row < rows; row++) {
            System.arraycopy(x.array(), row * rowLength, out.array(), (int) start, rowLength);
            for (int d = rank - 2; d >= 0; d--) {
                start += outStrides[d];
                if (++index[d] < dims[d]) {
                    break;
                }
                start -= outStrides[d] * dims[d];
                index[d] = 0;
            }
        }
        return out;
    }

    static Storage gather(CpuBackend backend, CpuStorage x, Shape shape, int axis, CpuStorage indices,
            Shape indexShape, Shape outShape) {
        if (axis < 0 || axis >= shape.rank()) {
            throw new IllegalArgumentException("gather: axis " + axis + " is out of range for " + shape);
        }
        if (indices.dtype() != dev.adjoint.core.DType.INT64) {
            throw new IllegalArgumentException("gather needs int64 indices, got " + indices.dtype());
        }
        int n = Memory.checkedSize(outShape.size());
        CpuStorage out = Memory.allocate(backend, x.dtype(), n);
        int outer = outer(shape, axis);
        int inner = inner(shape, axis);
        int axisLength = shape.dim(axis);
        long[] idx = indices.longs();
        int picks = idx.length;
        for (long i : idx) {
            if (i < 0 || i >= axisLength) {
                throw new IndexOutOfBoundsException("gather: index " + i + " is out of range for axis " + axis
                        + " of length " + axisLength);
            }
        }
        Object src = x.array();
        Object dst = out.array();
        for (int o = 0; o < outer; o++) {
            int srcBase = o * axisLength * inner;
            int dstBase = o * picks * inner;
            if (inner == 1) {
                gatherElements(src, srcBase, idx, dst, dstBase);
            } else {
                for (int j = 0; j < picks; j++) {
                    System.arraycopy(src, srcBase + (int) idx[j] * inner, dst, dstBase + j * inner, inner);
                }
            }
        }
        return out;
    }

    /**
     * The adjoint of {@link #gather}: a copy of {@code x} with slice {@code j} of {@code updates}
     * added at {@code idx[j]} along {@code axis}, in index order, so repeats accumulate.
     */
    static Storage indexAdd(CpuBackend backend, CpuStorage x, Shape shape, int axis, CpuStorage indices,
            Shape indexShape, CpuStorage updates) {
        if (axis < 0 || axis >= shape.rank()) {
            throw new IllegalArgumentException("indexAdd: axis " + axis + " is out of range for " + shape);
        }
        if (indices.dtype() != dev.adjoint.core.DType.INT64) {
            throw new IllegalArgumentException("indexAdd needs int64 indices, got " + indices.dtype());
        }
        if (updates.dtype() != x.dtype()) {
            throw new IllegalArgumentException("indexAdd: updates are " + updates.dtype() + " but x is " + x.dtype());
        }
        int outer = outer(shape, axis);
        int inner = inner(shape, axis);
        int axisLength = shape.dim(axis);
        long[] idx = indices.longs();
        if (idx.length != indexShape.size()) {
            throw new IllegalArgumentException("indexAdd: " + idx.length + " indices for index shape " + indexShape);
        }
        if (updates.size() != (long) outer * idx.length * inner) {
            throw new IllegalArgumentException("indexAdd: " + updates.size() + " updates for " + idx.length
                    + " indices into shape " + shape + " along axis " + axis);
        }
        for (long i : idx) {
            if (i < 0 || i >= axisLength) {
                throw new IndexOutOfBoundsException("indexAdd: index " + i + " is out of range for axis " + axis
                        + " of length " + axisLength);
            }
        }
        int n = Memory.checkedSize(shape.size());
        CpuStorage out = Memory.allocate(backend, x.dtype(), n);
        System.arraycopy(x.array(), 0, out.array(), 0, n);
        Object dst = out.array();
        Object src = updates.array();
        for (int o = 0; o < outer; o++) {
            int dstBase = o * axisLength * inner;
            int srcBase = o * idx.length * inner;
            for (int j = 0; j < idx.length; j++) {
                addRow(src, srcBase + j * inner, dst, dstBase + (int) idx[j] * inner, inner);
            }
        }
        return out;
    }

    /** {@code dst[to + k] += src[from + k]} for {@code k < length}. */
    private static void addRow(Object src, int from, Object dst, int to, int length) {
        switch (src) {
            case float[] s -> { float[] d = (float[]) dst; for (int k = 0; k < length; k++) d[to + k] += s[from + k]; }
            case double[] s -> { double[] d = (double[]) dst; for (int k = 0; k < length; k++) d[to + k] += s[from + k]; }
            case int[] s -> { int[] d = (int[]) dst; for (int k = 0; k < length; k++) d[to + k] += s[from + k]; }
            case long[] s -> { long[] d = (long[]) dst; for (int k = 0; k < length; k++) d[to + k] += s[from + k]; }
            default -> throw new IllegalArgumentException("indexAdd is not defined for " + src.getClass().getSimpleName());
        }
    }

    /** {@code dst[to + j] = src[from + idx[j]]}: gathering single elements, where arraycopy would be slow. */
    private static void gatherElements(Object src, int from, long[] idx, Object dst, int to) {
        switch (src) {
            case float[] s -> { float[] d = (float[]) dst; for (int j = 0; j < idx.length; j++) d[to + j] = s[from + (int) idx[j]]; }
            case double[] s -> { double[] d = (double[]) dst; for (int j = 0; j < idx.length; j++) d[to + j] = s[from + (int) idx[j]]; }
            case int[] s -> { int[] d = (int[]) dst; for (int j = 0; j < idx.length; j++) d[to + j] = s[from + (int) idx[j]]; }
            case long[] s -> { long[] d = (long[]) dst; for (int j = 0; j < idx.length; j++) d[to + j] = s[from + (int) idx[j]]; }
            case boolean[] s -> { boolean[] d = (boolean[]) dst; for (int j = 0; j < idx.length; j++) d[to + j] = s[from + (int) idx[j]]; }
            default -> throw new IllegalStateException("not a storage array: " + src.getClass());
        }
    }

    /** The product of the dimensions before {@code axis}. */
    static int outer(Shape shape, int axis) {
        int product = 1;
        for (int d = 0; d < axis; d++) {
            product *= shape.dim(d);
        }
        return product;
    }

    /** The product of the dimensions after {@code axis}. */
    static int inner(Shape shape, int axis) {
        int product = 1;
        for (int d = axis + 1; d < shape.rank(); d++) {
            product *= shape.dim(d);
        }
        return product;
    }
}
