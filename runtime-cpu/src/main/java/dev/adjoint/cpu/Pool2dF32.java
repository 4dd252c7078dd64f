package dev.adjoint.cpu;

//autocode:variants float64,int32,int64 (generated from this file at build time: docs/design.md)
/** Scalar max and average pooling of float32 NCHW planes over the clipped windows of {@link Pool2d}. */
final class Pool2dF32 {
    private Pool2dF32() {
    }

    /**
     * Pools output columns {@code [colFrom, colTo)} of planes {@code [from, to)}; {@code rows} and
     * {@code cols} hold each output's clipped window as {@link Pool2d#clippedWindows} gives it.
     */
    static void pool(float[] x, float[] out, int from, int to, int h, int w, int[] rows, int[] cols, int oh,
            int ow, int colFrom, int colTo, boolean max) {
        for (int plane = from; plane < to; plane++) {
            int xBase = plane * h * w;
            for (int oy = 0; oy < oh; oy++) {
                int y0 = rows[2 * oy], y1 = rows[2 * oy + 1];
                for (int ox = colFrom; ox < colTo; ox++) {
                    int x0 = cols[2 * ox], x1 = cols[2 * ox + 1];
                    if (y0 >= y1 || x0 >= x1) {
                        continue;  // the output array starts zeroed
                    }
                    // Max and average fold apart: a max pool has no use for the sum.
                    if (max) {
                        //autocode:replace integer long best = Long.MIN_VALUE;
                        float best = Float.NEGATIVE_INFINITY;
                        for (int y = y0; y < y1; y++) {
                            for (int i = xBase + y * w + x0, end = xBase + y * w + x1; i < end; i++) {
                                // Math.max, not a comparison, so that a NaN in the window makes the max NaN.
                                best = Math.max(best, x[i]);
                            }
                        }
                        //autocode:replace int32 out[(plane * oh + oy) * ow + ox] = (int) best;
                        out[(plane * oh + oy) * ow + ox] = best;
                        continue;
                    }
                    //autocode:replace integer long sum = 0;
                    float sum = 0;
                    for (int y = y0; y < y1; y++) {
                        for (int i = xBase + y * w + x0, end = xBase + y * w + x1; i < end; i++) {
                            sum += x[i];
                        }
                    }
                    //autocode:replace int32 out[(plane * oh + oy) * ow + ox] = (int) (sum / (long) ((y1 - y0) * (x1 - x0)));
                    out[(plane * oh + oy) * ow + ox] = sum / (float) ((y1 - y0) * (x1 - x0));
                }
            }
        }
    }
}
