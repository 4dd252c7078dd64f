package dev.adjoint.cpu;

import dev.adjoint.op.ReduceOp;

//autocode:variants float64,int64 (generated from this file at build time: docs/design.md)
//autocode:rename int64 double long (integers reduce exactly, in wrapping int64 arithmetic)
/**
 * The scalar reference kernels of the reduction family for float32. Row kernels reduce {@code len}
 * contiguous elements into a double; column kernels combine {@code rows} rows, {@code stride}
 * apart, elementwise into {@code width} accumulators. The arg ops run here in both flavours: their
 * first-index-on-ties rule is a sequential scan.
 */
final class ScalarReductionsF32 {
    private ScalarReductionsF32() {
    }

    // ---- rows ---------------------------------------------------------------------------------

    static double sum(float[] x, int off, int len) {
        double s = 0;
        for (int i = off; i < off + len; i++) s += x[i];
        return s;
    }

    static double prod(float[] x, int off, int len) {
        double p = 1;
        for (int i = off; i < off + len; i++) p *= x[i];
        return p;
    }

    /** The largest element, NaN if any element is NaN (like {@code numpy.max}). */
    static double max(float[] x, int off, int len) {
        //autocode:replace int64 long m = Long.MIN_VALUE;
        double m = Double.NEGATIVE_INFINITY;
        for (int i = off; i < off + len; i++) m = Math.max(m, x[i]);
        return m;
    }

    static double min(float[] x, int off, int len) {
        //autocode:replace int64 long m = Long.MAX_VALUE;
        double m = Double.POSITIVE_INFINITY;
        for (int i = off; i < off + len; i++) m = Math.min(m, x[i]);
        return m;
    }

    /**
     * Position (0-based, relative to {@code off}) of the first maximum ({@code max == true}) or
     * minimum; the first NaN wins over any number, as in NumPy.
     */
    static long argBest(float[] x, int off, int len, boolean max) {
        int best = off;
        //autocode:replace int64 for (int i = off + 1; i < off + len; i++) {
        for (int i = off + 1; i < off + len && !Float.isNaN(x[best]); i++) {
            //autocode:replace int64 if (max ? x[i] > x[best] : x[i] < x[best]) best = i;
            if (Float.isNaN(x[i]) || (max ? x[i] > x[best] : x[i] < x[best])) best = i;
        }
        return best - off;
    }

    //autocode:omit-begin int64 (exponentials take floating tensors only)
    /** {@code sum(exp(x - shift))}, the inner part of a stable log-sum-exp or softmax. */
    static double sumExp(float[] x, int off, int len, double shift) {
        double s = 0;
        for (int i = off; i < off + len; i++) s += Math.exp(x[i] - shift);
        return s;
    }

    /** Softmax (or log-softmax) of one contiguous row, shifted by its maximum for stability. */
    static void softmaxRow(float[] x, int off, int len, float[] out, boolean log) {
        double m = max(x, off, len);
        if (log) {
            double shift = m + Math.log(sumExp(x, off, len, m));
            for (int i = off; i < off + len; i++) out[i] = (float) (x[i] - shift);
            return;
        }
        double s = 0;
        for (int i = off; i < off + len; i++) {
            double e = Math.exp(x[i] - m);
            out[i] = (float) e;
            s += e;
        }
        double scale = 1.0 / s;
        for (int i = off; i < off + len; i++) out[i] = (float) (out[i] * scale);
    }
    //autocode:omit-end

    // ---- columns ------------------------------------------------------------------------------

    /**
     * {@code acc[ao + j] = op over r < rows of x[base + r * stride + j]} for {@code j < width}, with
     * {@code op} one of SUM, PROD, MAX, MIN; {@code rows >= 1}.
     */
    static void columns(ReduceOp op, float[] x, int base, int stride, int rows, float[] acc, int ao, int width) {
        System.arraycopy(x, base, acc, ao, width);
        for (int r = 1; r < rows; r++) {
            combineRow(op, x, base + r * stride, acc, ao, width);
        }
    }

    /** {@code acc[ao + j] = op(acc[ao + j], x[row + j])} for {@code j < width}. */
    static void combineRow(ReduceOp op, float[] x, int row, float[] acc, int ao, int width) {
        switch (op) {
            case SUM -> { for (int j = 0; j < width; j++) acc[ao + j] += x[row + j]; }
            case PROD -> { for (int j = 0; j < width; j++) acc[ao + j] *= x[row + j]; }
            case MAX -> { for (int j = 0; j < width; j++) acc[ao + j] = Math.max(acc[ao + j], x[row + j]); }
            case MIN -> { for (int j = 0; j < width; j++) acc[ao + j] = Math.min(acc[ao + j], x[row + j]); }
            default -> throw new IllegalArgumentException("no column kernel for " + op);
        }
    }

    /** Per column, the first row holding the maximum (or minimum); the first NaN wins. */
    static void argColumns(float[] x, int base, int stride, int rows, long[] out, int oo, int width, boolean max) {
        java.util.Arrays.fill(out, oo, oo + width, 0L);
        for (int r = 1; r < rows; r++) {
            int row = base + r * stride;
            for (int j = 0; j < width; j++) {
                float best = x[base + (int) out[oo + j] * stride + j];
                float v = x[row + j];
                //autocode:replace int64 if (max ? v > best : v < best) out[oo + j] = r;
                if (!Float.isNaN(best) && (Float.isNaN(v) || (max ? v > best : v < best))) out[oo + j] = r;
            }
        }
    }
}
