package dev.adjoint.cpu;

//autocode:variants float64 (generated from this file at build time: docs/design.md)
/** The float32 kernel of {@link PoolBackward}: pooling gradients scattered window by window. */
final class PoolBackwardF32 {
    private PoolBackwardF32() {
    }

    /** Scatters {@code dy} of planes {@code [from, to)} into the zeroed {@code dx}. */
    static void backward(float[] x, float[] dy, float[] dx, int from, int to, int h, int w, int[] rows,
            int[] cols, int oh, int ow, boolean max) {
        for (int plane = from; plane < to; plane++) {
            int xBase = plane * h * w;
            for (int oy = 0; oy < oh; oy++) {
                int y0 = rows[2 * oy], y1 = rows[2 * oy + 1];
                for (int ox = 0; ox < ow; ox++) {
                    int x0 = cols[2 * ox], x1 = cols[2 * ox + 1];
                    if (y0 >= y1 || x0 >= x1) {
                        continue;  // a window wholly in the padding produced a constant zero
                    }
                    float g = dy[(plane * oh + oy) * ow + ox];
                    if (max) {
                        int arg = -1;
                        float best = 0;
                        window:
                        for (int y = y0; y < y1; y++) {
                            for (int i = xBase + y * w + x0, end = xBase + y * w + x1; i < end; i++) {
                                if (arg < 0 || x[i] > best || Float.isNaN(x[i])) {
                                    arg = i;
                                    best = x[i];
                                    if (Float.isNaN(best)) {
                                        break window;
                                    }
                                }
                            }
                        }
                        dx[arg] += g;
                    } else {
                        float share = g / ((y1 - y0) * (x1 - x0));
                        for (int y = y0; y < y1; y++) {
                            for (int i = xBase + y * w + x0, end = xBase + y * w + x1; i < end; i++) {
                                dx[i] += share;
                            }
                        }
                    }
                }
            }
        }
    }
}
