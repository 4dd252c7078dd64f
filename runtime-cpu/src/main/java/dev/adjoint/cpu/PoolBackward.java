package dev.adjoint.cpu;

/**
 * Gradients of max and average pooling over NCHW planes, scattered window by window into a zeroed
 * input gradient. The windows are the forward pass's, clipped to the image by
 * {@link Pool2d#clippedWindows}. Max pooling routes each window's gradient to its first maximum in
 * row-major order, or to its first NaN (which the forward pass returned), as PyTorch does; average
 * pooling gives every non-padded position of the window an equal share.
 */
final class PoolBackward {
    private PoolBackward() {
    }

    /** Scatters {@code dy} of planes {@code [from, to)} into {@code dx}; both arrays hold one floating type. */
    static void backward(Object x, Object dy, Object dx, int from, int to, int h, int w, int[] rows, int[] cols,
            int oh, int ow, boolean max) {
        if (x instanceof float[] a) {
            backward(a, (float[]) dy, (float[]) dx, from, to, h, w, rows, cols, oh, ow, max);
        } else if (x instanceof double[] a) {
            backward(a, (double[]) dy, (double[]) dx, from, to, h, w, rows, cols, oh, ow, max);
        } else {
            throw new IllegalArgumentException("pool2d backward: unsupported array " + x.getClass());
        }
    }

    private static void backward(float[] x, float[] dy, float[] dx, int from, int to, int h, int w, int[] rows,
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

    private static void backward(double[] x, double[] dy, double[] dx, int from, int to, int h, int w, int[] rows,
            int[] cols, int oh, int ow, boolean max) {
        for (int plane = from; plane < to; plane++) {
            int xBase = plane * h * w;
            for (int oy = 0; oy < oh; oy++) {
                int y0 = rows[2 * oy], y1 = rows[2 * oy + 1];
                for (int ox = 0; ox < ow; ox++) {
                    int x0 = cols[2 * ox], x1 = cols[2 * ox + 1];
                    if (y0 >= y1 || x0 >= x1) {
                        continue;
                    }
                    double g = dy[(plane * oh + oy) * ow + ox];
                    if (max) {
                        int arg = -1;
                        double best = 0;
                        window:
                        for (int y = y0; y < y1; y++) {
                            for (int i = xBase + y * w + x0, end = xBase + y * w + x1; i < end; i++) {
                                if (arg < 0 || x[i] > best || Double.isNaN(x[i])) {
                                    arg = i;
                                    best = x[i];
                                    if (Double.isNaN(best)) {
                                        break window;
                                    }
                                }
                            }
                        }
                        dx[arg] += g;
                    } else {
                        double share = g / ((y1 - y0) * (x1 - x0));
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
