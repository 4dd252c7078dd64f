package dev.adjoint.cpu;

import dev.adjoint.op.Conv2dSpec;
import java.util.Arrays;

/**
 * Unfolds the receptive fields of one image (and one channel group) into a matrix so that a
 * convolution becomes one GEMM: row {@code (c * KH + i) * KW + j} of the result holds, for every
 * output position {@code (y, x)} in row-major order, the input pixel that kernel tap {@code (i, j)}
 * of channel {@code c} sees there, or zero where it falls into the padding. Works on any primitive
 * array type; contiguous runs (stride 1) are copied with {@link System#arraycopy}.
 */
final class Im2col {
    private Im2col() {
    }

    /**
     * Fills {@code col} ({@code channels * kh * kw} rows of {@code oh * ow}) from the
     * {@code channels x h x w} block of {@code x} starting at {@code xOff}.
     */
    static void unfold(Object x, int xOff, int channels, int h, int w, int kh, int kw, Conv2dSpec spec, int oh,
            int ow, Object col) {
        // Channels split over the kernel threads: a 512-channel 3x3 layer at 7x7 unfolds 226k values, a tenth of its
        // time on one thread, which would otherwise not shrink with two.
        long perChannel = (long) kh * kw * oh * ow;
        Parallel.forRange(channels, (int) Math.max(1, PARALLEL_VALUES / Math.max(1, perChannel)),
                (from, to) -> unfold(x, xOff, from, to, h, w, kh, kw, spec, oh, ow, col));
    }

    /** Values below which an unfold stays on the calling thread. */
    private static final long PARALLEL_VALUES = 1L << 16;

    /** Rows of channels {@code [from, to)} of {@link #unfold}. */
    private static void unfold(Object x, int xOff, int from, int to, int h, int w, int kh, int kw, Conv2dSpec spec,
            int oh, int ow, Object col) {
        int sh = spec.strideH(), sw = spec.strideW();
        int dh = spec.dilationH(), dw = spec.dilationW();
        int dst = from * kh * kw * oh * ow;
        for (int c = from; c < to; c++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    // Output columns [lo, hi) read real pixels for tap j; the rest read padding.
                    int shift = j * dw - spec.padLeft();
                    int lo = Math.clamp(Math.ceilDiv(-shift, sw), 0, ow);
                    int hi = Math.clamp(Math.ceilDiv(w - shift, sw), lo, ow);
                    for (int y = 0; y < oh; y++, dst += ow) {
                        int iy = y * sh - spec.padTop() + i * dh;
                        if (iy < 0 || iy >= h) {
                            zero(col, dst, dst + ow);
                            continue;
                        }
                        zero(col, dst, dst + lo);
                        zero(col, dst + hi, dst + ow);
                        if (hi == lo) {
                            continue; // the tap sees only padding in this row (the source offset may be negative)
                        }
                        int src = xOff + (c * h + iy) * w + lo * sw + shift;
                        if (sw == 1) {
                            System.arraycopy(x, src, col, dst + lo, hi - lo);
                        } else {
                            copyStrided(x, src, sw, col, dst + lo, hi - lo);
                        }
                    }
                }
            }
        }
    }

    private static void zero(Object array, int from, int to) {
        if (from >= to) {
            return;
        }
        // instanceof chains rather than a type switch: the JIT profiles these, and they run per row.
        if (array instanceof float[] a) {
            Arrays.fill(a, from, to, 0f);
        } else if (array instanceof double[] a) {
            Arrays.fill(a, from, to, 0d);
        } else if (array instanceof int[] a) {
            Arrays.fill(a, from, to, 0);
        } else if (array instanceof long[] a) {
            Arrays.fill(a, from, to, 0L);
        } else {
            throw new IllegalArgumentException("im2col: unsupported array " + array.getClass());
        }
    }

    private static void copyStrided(Object src, int from, int stride, Object dst, int to, int count) {
        if (src instanceof float[] s) {
            float[] d = (float[]) dst;
            for (int t = 0; t < count; t++) {
                d[to + t] = s[from + t * stride];
            }
        } else if (src instanceof double[] s) {
            double[] d = (double[]) dst;
            for (int t = 0; t < count; t++) {
                d[to + t] = s[from + t * stride];
            }
        } else if (src instanceof int[] s) {
            int[] d = (int[]) dst;
            for (int t = 0; t < count; t++) {
                d[to + t] = s[from + t * stride];
            }
        } else if (src instanceof long[] s) {
            long[] d = (long[]) dst;
            for (int t = 0; t < count; t++) {
                d[to + t] = s[from + t * stride];
            }
        } else {
            throw new IllegalArgumentException("im2col: unsupported array " + src.getClass());
        }
    }
}
