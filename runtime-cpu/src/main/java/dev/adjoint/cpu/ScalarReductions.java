package dev.adjoint.cpu;

import dev.adjoint.op.ReduceOp;

/**
 * The scalar reference kernels of the reduction family. Row kernels reduce {@code len} contiguous
 * elements; column kernels combine {@code rows} rows, {@code stride} apart, elementwise into
 * {@code width} accumulators. Sums of {@code float32} rows accumulate in {@code double}. Integer
 * tensors reduce here in both flavours (as {@code int64}, see {@link Reductions}), and so do the
 * arg ops, whose first-index-on-ties rule is a sequential scan.
 */
final class ScalarReductions {
    private ScalarReductions() {
    }

    // ---- rows ---------------------------------------------------------------------------------

    static double sum(float[] x, int off, int len) {
        double s = 0;
        for (int i = off; i < off + len; i++) s += x[i];
        return s;
    }

    static double sum(double[] x, int off, int len) {
        double s = 0;
        for (int i = off; i < off + len; i++) s += x[i];
        return s;
    }

    static double prod(float[] x, int off, int len) {
        double p = 1;
        for (int i = off; i < off + len; i++) p *= x[i];
        return p;
    }

    static double prod(double[] x, int off, int len) {
        double p = 1;
        for (int i = off; i < off + len; i++) p *= x[i];
        return p;
    }

    /** The largest element, NaN if any element is NaN (like {@code numpy.max}). */
    static double max(float[] x, int off, int len) {
        double m = Double.NEGATIVE_INFINITY;
        for (int i = off; i < off + len; i++) m = Math.max(m, x[i]);
        return m;
    }

    static double max(double[] x, int off, int len) {
        double m = Double.NEGATIVE_INFINITY;
        for (int i = off; i < off + len; i++) m = Math.max(m, x[i]);
        return m;
    }

    static double min(float[] x, int off, int len) {
        double m = Double.POSITIVE_INFINITY;
        for (int i = off; i < off + len; i++) m = Math.min(m, x[i]);
        return m;
    }

    static double min(double[] x, int off, int len) {
        double m = Double.POSITIVE_INFINITY;
        for (int i = off; i < off + len; i++) m = Math.min(m, x[i]);
        return m;
    }

    /** {@code sum(exp(x - shift))}, the inner part of a stable log-sum-exp or softmax. */
    static double sumExp(float[] x, int off, int len, double shift) {
        double s = 0;
        for (int i = off; i < off + len; i++) s += Math.exp(x[i] - shift);
        return s;
    }

    static double sumExp(double[] x, int off, int len, double shift) {
        double s = 0;
        for (int i = off; i < off + len; i++) s += Math.exp(x[i] - shift);
        return s;
    }

    static long sum(long[] x, int off, int len) {
        long s = 0;
        for (int i = off; i < off + len; i++) s += x[i];
        return s;
    }

    static long prod(long[] x, int off, int len) {
        long p = 1;
        for (int i = off; i < off + len; i++) p *= x[i];
        return p;
    }

    static long max(long[] x, int off, int len) {
        long m = Long.MIN_VALUE;
        for (int i = off; i < off + len; i++) m = Math.max(m, x[i]);
        return m;
    }

    static long min(long[] x, int off, int len) {
        long m = Long.MAX_VALUE;
        for (int i = off; i < off + len; i++) m = Math.min(m, x[i]);
        return m;
    }

    /**
     * Position (0-based, relative to {@code off}) of the first maximum ({@code max == true}) or
     * minimum; the first NaN wins over any number, as in NumPy.
     */
    static long argBest(float[] x, int off, int len, boolean max) {
        int best = off;
        for (int i = off + 1; i < off + len && !Float.isNaN(x[best]); i++) {
            if (Float.isNaN(x[i]) || (max ? x[i] > x[best] : x[i] < x[best])) best = i;
        }
        return best - off;
    }

    static long argBest(double[] x, int off, int len, boolean max) {
        int best = off;
        for (int i = off + 1; i < off + len && !Double.isNaN(x[best]); i++) {
            if (Double.isNaN(x[i]) || (max ? x[i] > x[best] : x[i] < x[best])) best = i;
        }
        return best - off;
    }

    static long argBest(long[] x, int off, int len, boolean max) {
        int best = off;
        for (int i = off + 1; i < off + len; i++) {
            if (max ? x[i] > x[best] : x[i] < x[best]) best = i;
        }
        return best - off;
    }

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

    static void columns(ReduceOp op, double[] x, int base, int stride, int rows, double[] acc, int ao, int width) {
        System.arraycopy(x, base, acc, ao, width);
        for (int r = 1; r < rows; r++) {
            combineRow(op, x, base + r * stride, acc, ao, width);
        }
    }

    /** {@code acc[ao + j] = op(acc[ao + j], x[row + j])} for {@code j < width}. */
    static void combineRow(ReduceOp op, double[] x, int row, double[] acc, int ao, int width) {
        switch (op) {
            case SUM -> { for (int j = 0; j < width; j++) acc[ao + j] += x[row + j]; }
            case PROD -> { for (int j = 0; j < width; j++) acc[ao + j] *= x[row + j]; }
            case MAX -> { for (int j = 0; j < width; j++) acc[ao + j] = Math.max(acc[ao + j], x[row + j]); }
            case MIN -> { for (int j = 0; j < width; j++) acc[ao + j] = Math.min(acc[ao + j], x[row + j]); }
            default -> throw new IllegalArgumentException("no column kernel for " + op);
        }
    }

    static void columns(ReduceOp op, long[] x, int base, int stride, int rows, long[] acc, int ao, int width) {
        System.arraycopy(x, base, acc, ao, width);
        for (int r = 1; r < rows; r++) {
            combineRow(op, x, base + r * stride, acc, ao, width);
        }
    }

    /** {@code acc[ao + j] = op(acc[ao + j], x[row + j])} for {@code j < width}. */
    static void combineRow(ReduceOp op, long[] x, int row, long[] acc, int ao, int width) {
        switch (op) {
            case SUM -> { for (int j = 0; j < width; j++) acc[ao + j] += x[row + j]; }
            case PROD -> { for (int j = 0; j < width; j++) acc[ao + j] *= x[row + j]; }
            case MAX -> { for (int j = 0; j < width; j++) acc[ao + j] = Math.max(acc[ao + j], x[row + j]); }
            case MIN -> { for (int j = 0; j < width; j++) acc[ao + j] = Math.min(acc[ao + j], x[row + j]); }
            default -> throw new IllegalArgumentException("no column kernel for " + op);
        }
    }

    // ---- softmax ------------------------------------------------------------------------------

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

    static void softmaxRow(double[] x, int off, int len, double[] out, boolean log) {
        double m = max(x, off, len);
        if (log) {
            double shift = m + Math.log(sumExp(x, off, len, m));
            for (int i = off; i < off + len; i++) out[i] = x[i] - shift;
            return;
        }
        double s = 0;
        for (int i = off; i < off + len; i++) {
            out[i] = Math.exp(x[i] - m);
            s += out[i];
        }
        double scale = 1.0 / s;
        for (int i = off; i < off + len; i++) out[i] *= scale;
    }
}
