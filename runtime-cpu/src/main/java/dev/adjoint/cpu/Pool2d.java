package dev.adjoint.cpu;

import dev.adjoint.ops.Pool2dSpec;

/**
 * Scalar max and average pooling over NCHW planes, for every numeric type. Each output reads the
 * window clipped to the image: padding never wins a max and is not counted in an average. Integer
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
        boolean max = spec.kind() == Pool2dSpec.Kind.MAX;
        for (int plane = from; plane < to; plane++) {
            int xBase = plane * h * w;
            int oBase = plane * oh * ow;
            for (int oy = 0; oy < oh; oy++) {
                int top = oy * spec.strideH() - spec.padH();
                int y0 = Math.max(top, 0), y1 = Math.min(top + spec.kernelH(), h);
                for (int ox = colFrom; ox < colTo; ox++) {
                    int left = ox * spec.strideW() - spec.padW();
                    int x0 = Math.max(left, 0), x1 = Math.min(left + spec.kernelW(), w);
                    int o = oBase + oy * ow + ox;
                    if (y0 >= y1 || x0 >= x1) {
                        continue;  // the output array starts zeroed
                    }
                    switch (x) {
                        case float[] a -> ((float[]) out)[o] = (float) window(a, xBase, w, y0, y1, x0, x1, max);
                        case double[] a -> ((double[]) out)[o] = window(a, xBase, w, y0, y1, x0, x1, max);
                        case int[] a -> ((int[]) out)[o] = (int) window(a, xBase, w, y0, y1, x0, x1, max);
                        case long[] a -> ((long[]) out)[o] = window(a, xBase, w, y0, y1, x0, x1, max);
                        default -> throw new IllegalArgumentException("pool2d: unsupported array " + x.getClass());
                    }
                }
            }
        }
    }

    private static double window(float[] a, int base, int w, int y0, int y1, int x0, int x1, boolean max) {
        float best = Float.NEGATIVE_INFINITY;
        float sum = 0;
        for (int y = y0; y < y1; y++) {
            for (int i = base + y * w + x0, end = base + y * w + x1; i < end; i++) {
                // Math.max, not a comparison, so that a NaN in the window makes the max NaN.
                best = Math.max(best, a[i]);
                sum += a[i];
            }
        }
        return max ? best : sum / ((y1 - y0) * (x1 - x0));
    }

    private static double window(double[] a, int base, int w, int y0, int y1, int x0, int x1, boolean max) {
        double best = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (int y = y0; y < y1; y++) {
            for (int i = base + y * w + x0, end = base + y * w + x1; i < end; i++) {
                best = Math.max(best, a[i]);
                sum += a[i];
            }
        }
        return max ? best : sum / ((y1 - y0) * (x1 - x0));
    }

    private static long window(int[] a, int base, int w, int y0, int y1, int x0, int x1, boolean max) {
        long best = Long.MIN_VALUE;
        long sum = 0;
        for (int y = y0; y < y1; y++) {
            for (int i = base + y * w + x0, end = base + y * w + x1; i < end; i++) {
                best = Math.max(best, a[i]);
                sum += a[i];
            }
        }
        return max ? best : sum / ((y1 - y0) * (x1 - x0));
    }

    private static long window(long[] a, int base, int w, int y0, int y1, int x0, int x1, boolean max) {
        long best = Long.MIN_VALUE;
        long sum = 0;
        for (int y = y0; y < y1; y++) {
            for (int i = base + y * w + x0, end = base + y * w + x1; i < end; i++) {
                best = Math.max(best, a[i]);
                sum += a[i];
            }
        }
        return max ? best : sum / ((y1 - y0) * (x1 - x0));
    }
}
