package dev.adjoint.cpu;

import dev.adjoint.op.Conv2dSpec;

/**
 * The adjoint of {@link Im2col#unfold}: adds every row of an unfolded matrix back onto the pixels it
 * was read from. Overlapping receptive fields read a pixel several times, so its gradient is the
 * sum of all those entries; entries that were read from the padding are dropped.
 */
final class ConvBackwardCol2im {
    private ConvBackwardCol2im() {
    }

    /**
     * Adds {@code col} ({@code channels * kh * kw} rows of {@code oh * ow}, laid out as
     * {@link Im2col} writes them) into the {@code channels x h x w} block of {@code x} at {@code xOff}.
     */
    static void fold(Object col, Object x, int xOff, int channels, int h, int w, int kh, int kw, Conv2dSpec spec,
            int oh, int ow) {
        if (col instanceof float[] c) {
            fold(c, (float[]) x, xOff, channels, h, w, kh, kw, spec, oh, ow);
        } else if (col instanceof double[] c) {
            fold(c, (double[]) x, xOff, channels, h, w, kh, kw, spec, oh, ow);
        } else {
            throw new IllegalArgumentException("col2im: unsupported array " + col.getClass());
        }
    }

    private static void fold(float[] col, float[] x, int xOff, int channels, int h, int w, int kh, int kw,
            Conv2dSpec spec, int oh, int ow) {
        int sh = spec.strideH(), sw = spec.strideW();
        int src = 0;
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    // Output columns [lo, hi) read real pixels for tap j, exactly as in Im2col.
                    int shift = j * spec.dilationW() - spec.padLeft();
                    int lo = Math.clamp(Math.ceilDiv(-shift, sw), 0, ow);
                    int hi = Math.clamp(Math.ceilDiv(w - shift, sw), lo, ow);
                    for (int y = 0; y < oh; y++, src += ow) {
                        int iy = y * sh - spec.padTop() + i * spec.dilationH();
                        if (iy < 0 || iy >= h) {
                            continue;
                        }
                        int dst = xOff + (c * h + iy) * w + lo * sw + shift;
                        for (int t = lo; t < hi; t++, dst += sw) {
                            x[dst] += col[src + t];
                        }
                    }
                }
            }
        }
    }

    private static void fold(double[] col, double[] x, int xOff, int channels, int h, int w, int kh, int kw,
            Conv2dSpec spec, int oh, int ow) {
        int sh = spec.strideH(), sw = spec.strideW();
        int src = 0;
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    int shift = j * spec.dilationW() - spec.padLeft();
                    int lo = Math.clamp(Math.ceilDiv(-shift, sw), 0, ow);
                    int hi = Math.clamp(Math.ceilDiv(w - shift, sw), lo, ow);
                    for (int y = 0; y < oh; y++, src += ow) {
                        int iy = y * sh - spec.padTop() + i * spec.dilationH();
                        if (iy < 0 || iy >= h) {
                            continue;
                        }
                        int dst = xOff + (c * h + iy) * w + lo * sw + shift;
                        for (int t = lo; t < hi; t++, dst += sw) {
                            x[dst] += col[src + t];
                        }
                    }
                }
            }
        }
    }
}
