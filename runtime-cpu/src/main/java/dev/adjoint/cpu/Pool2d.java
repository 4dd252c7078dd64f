package dev.adjoint.cpu;

import dev.adjoint.op.Pool2dSpec;

/**
 * Scalar max and average pooling over NCHW planes, for every numeric type: the windows, and the
 * kernels of {@link Pool2dF32} and the variants generated from it. Each output reads the window
 * clipped to the image: padding never wins a max and is not counted in an average. Integer
 * averages truncate toward zero like Java's integer division. A window lying wholly in the padding
 * (which a validated spec with padding at most half the kernel never produces) yields zero.
 */
final class Pool2d {
    /** Window reads below which pooling stays on the calling thread. */
    static final long PARALLEL_WORK = 1L << 16;

    private Pool2d() {
    }

    /** Pools planes {@code [from, to)} of {@code x} (each {@code h x w}) into {@code out} ({@code oh x ow} each). */
    static void pool(Object x, Object out, int from, int to, int h, int w, Pool2dSpec spec, int oh, int ow) {
        poolColumns(x, out, from, to, h, w, spec, oh, ow, 0, ow);
    }

    /** Like {@link #pool}, but only output columns {@code [colFrom, colTo)} of each row. */
    static void poolColumns(Object x, Object out, int from, int to, int h, int w, Pool2dSpec spec, int oh, int ow,
            int colFrom, int colTo) {
        // The window of every output row and column clipped to the image, worked out once.
        int[] rows = clippedWindows(oh, spec.strideH(), spec.padH(), spec.kernelH(), h);
        int[] cols = clippedWindows(ow, spec.strideW(), spec.padW(), spec.kernelW(), w);
        boolean max = spec.kind() == Pool2dSpec.Kind.MAX;
        // One type test per call: a type switch inside the loops costs more than the pooling itself.
        if (x instanceof float[] a) {
            Pool2dF32.pool(a, (float[]) out, from, to, h, w, rows, cols, oh, ow, colFrom, colTo, max);
        } else if (x instanceof double[] a) {
            Pool2dF64.pool(a, (double[]) out, from, to, h, w, rows, cols, oh, ow, colFrom, colTo, max);
        } else if (x instanceof int[] a) {
            Pool2dI32.pool(a, (int[]) out, from, to, h, w, rows, cols, oh, ow, colFrom, colTo, max);
        } else if (x instanceof long[] a) {
            Pool2dI64.pool(a, (long[]) out, from, to, h, w, rows, cols, oh, ow, colFrom, colTo, max);
        } else {
            throw new IllegalArgumentException("pool2d: unsupported array " + x.getClass());
        }
    }

    /**
     * For each of {@code outSize} outputs along one axis, the first and one-past-last input index
     * of its window clipped to {@code [0, inSize)}, at {@code [2 * o]} and {@code [2 * o + 1]}.
     */
    static int[] clippedWindows(int outSize, int stride, int pad, int kernel, int inSize) {
        int[] bounds = new int[2 * outSize];
        for (int o = 0; o < outSize; o++) {
            int start = o * stride - pad;
            bounds[2 * o] = Math.max(start, 0);
            bounds[2 * o + 1] = Math.min(start + kernel, inSize);
        }
        return bounds;
    }
}
