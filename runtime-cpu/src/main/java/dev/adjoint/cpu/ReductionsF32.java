package dev.adjoint.cpu;

import dev.adjoint.op.ReduceOp;

//autocode:variants float64 (generated from this file at build time: docs/design.md)
/**
 * The float32 part of {@link Reductions}: a row or a tile of columns reduced by the vector or the
 * scalar kernels, by flavour, and the ops built from them (mean, log-sum-exp, softmax). Values
 * combine in double wherever a kernel returns one.
 */
final class ReductionsF32 {
    /**
     * Column sums longer than this many rows add up blocks of this many rows in double, as a long
     * single-precision chain would lose digits; the float64 variant sums in one chain.
     */
    //autocode:replace float64 private static final int SUM_BLOCK_ROWS = Integer.MAX_VALUE;
    private static final int SUM_BLOCK_ROWS = 256;

    private ReductionsF32() {
    }

    // ---- rows ---------------------------------------------------------------------------------

    /** {@code dst[index] = op(x[off, off + len))}; {@code dst} holds int64 indices for the arg ops. */
    static void reduceRow(ReduceOp op, float[] x, int off, int len, Object dst, int index, boolean vector) {
        if (op.isArg()) {
            ((long[]) dst)[index] = ScalarReductionsF32.argBest(x, off, len, op == ReduceOp.ARGMAX);
        } else {
            ((float[]) dst)[index] = (float) rowValue(op, x, off, len, vector);
        }
    }

    /**
     * {@code dst[index + r] = op(x[off + r * len, off + (r + 1) * len))} for rows {@code r < rows}, as
     * {@link #reduceRow} gives each; sums and means of short rows go through {@link VectorReductionsF32#sumShortRows}.
     */
    static void reduceRows(ReduceOp op, float[] x, int off, int len, int rows, Object dst, int index, boolean vector) {
        if (vector && (op == ReduceOp.SUM || op == ReduceOp.MEAN) && VectorReductionsF32.takesShortRows(len)) {
            double[] sums = new double[rows];
            VectorReductionsF32.sumShortRows(x, off, len, rows, sums);
            float[] out = (float[]) dst;
            for (int r = 0; r < rows; r++) {
                out[index + r] = (float) (op == ReduceOp.MEAN ? sums[r] / len : sums[r]);
            }
            return;
        }
        for (int r = 0; r < rows; r++) {
            reduceRow(op, x, off + r * len, len, dst, index + r, vector);
        }
    }

    /** The value of {@code op} (not an arg op) over {@code x[off, off + len)}. */
    static double rowValue(ReduceOp op, float[] x, int off, int len, boolean vector) {
        return switch (op) {
            case SUM -> vector ? VectorReductionsF32.sum(x, off, len) : ScalarReductionsF32.sum(x, off, len);
            case MEAN -> (vector ? VectorReductionsF32.sum(x, off, len) : ScalarReductionsF32.sum(x, off, len)) / len;
            case PROD -> vector ? VectorReductionsF32.prod(x, off, len) : ScalarReductionsF32.prod(x, off, len);
            case MAX -> vector ? VectorReductionsF32.max(x, off, len) : ScalarReductionsF32.max(x, off, len);
            case MIN -> vector ? VectorReductionsF32.min(x, off, len) : ScalarReductionsF32.min(x, off, len);
            case LOG_SUM_EXP -> {
                double m = vector ? VectorReductionsF32.max(x, off, len) : ScalarReductionsF32.max(x, off, len);
                yield Reductions.logSumExp(m, Double.isFinite(m) ? sumExp(x, off, len, m, vector) : 1);
            }
            case ARGMAX, ARGMIN -> throw new IllegalArgumentException(op.opName() + " has no value kernel");
        };
    }

    /** {@code sum(exp(x - shift))} over {@code x[off, off + len)}. */
    static double sumExp(float[] x, int off, int len, double shift, boolean vector) {
        return vector ? VectorReductionsF32.sumExp(x, off, len, shift) : ScalarReductionsF32.sumExp(x, off, len, shift);
    }

    // ---- columns ------------------------------------------------------------------------------

    /**
     * {@code dst[oo + j] = op over r < rows of x[base + r * stride + j]} for {@code j < width};
     * {@code dst} holds int64 indices for the arg ops.
     */
    static void reduceColumns(ReduceOp op, float[] x, int base, int stride, int rows, Object dst, int oo, int width,
            boolean vector) {
        if (op.isArg()) {
            ScalarReductionsF32.argColumns(x, base, stride, rows, (long[]) dst, oo, width, op == ReduceOp.ARGMAX);
        } else {
            valueColumns(op, x, base, stride, rows, (float[]) dst, oo, width, vector);
        }
    }

    private static void valueColumns(ReduceOp op, float[] x, int base, int stride, int rows, float[] out, int oo,
            int width, boolean vector) {
        if (op == ReduceOp.LOG_SUM_EXP) {
            columns(ReduceOp.MAX, x, base, stride, rows, out, oo, width, vector);
            double[] sums = new double[width];
            for (int r = 0; r < rows; r++) {
                int row = base + r * stride;
                for (int j = 0; j < width; j++) sums[j] += Math.exp(x[row + j] - out[oo + j]);
            }
            for (int j = 0; j < width; j++) out[oo + j] = (float) Reductions.logSumExp(out[oo + j], sums[j]);
            return;
        }
        boolean mean = op == ReduceOp.MEAN;
        ReduceOp combining = mean ? ReduceOp.SUM : op;
        if (combining != ReduceOp.SUM || rows <= SUM_BLOCK_ROWS) {
            columns(combining, x, base, stride, rows, out, oo, width, vector);
            if (mean) {
                for (int j = 0; j < width; j++) out[oo + j] = (float) (out[oo + j] / (double) rows);
            }
            return;
        }
        // Long sums: short chains per block of rows, blocks added in double.
        float[] partial = new float[width];
        double[] total = new double[width];
        for (int r = 0; r < rows; r += SUM_BLOCK_ROWS) {
            columns(ReduceOp.SUM, x, base + r * stride, stride, Math.min(SUM_BLOCK_ROWS, rows - r), partial, 0, width,
                    vector);
            for (int j = 0; j < width; j++) total[j] += partial[j];
        }
        for (int j = 0; j < width; j++) out[oo + j] = (float) (mean ? total[j] / rows : total[j]);
    }

    private static void columns(ReduceOp op, float[] x, int base, int stride, int rows, float[] acc, int ao,
            int width, boolean vector) {
        if (vector) {
            VectorReductionsF32.columns(op, x, base, stride, rows, acc, ao, width);
        } else {
            ScalarReductionsF32.columns(op, x, base, stride, rows, acc, ao, width);
        }
    }

    // ---- softmax ------------------------------------------------------------------------------

    static void softmaxRow(float[] x, int off, int len, float[] out, boolean log, boolean vector) {
        if (vector) {
            VectorReductionsF32.softmaxRow(x, off, len, out, log);
        } else {
            ScalarReductionsF32.softmaxRow(x, off, len, out, log);
        }
    }

    /** Softmax down {@code rows} rows for {@code width} columns starting at {@code base}. */
    static void softmaxColumns(float[] x, int base, int stride, int rows, float[] out, int width, boolean log,
            boolean vector) {
        float[] max = new float[width];
        double[] sums = new double[width];
        columns(ReduceOp.MAX, x, base, stride, rows, max, 0, width, vector);
        for (int r = 0; r < rows; r++) {
            int row = base + r * stride;
            for (int j = 0; j < width; j++) {
                double e = Math.exp(x[row + j] - max[j]);
                out[row + j] = (float) e;
                sums[j] += e;
            }
        }
        for (int r = 0; r < rows; r++) {
            int row = base + r * stride;
            for (int j = 0; j < width; j++) {
                out[row + j] = (float) (log ? x[row + j] - max[j] - Math.log(sums[j]) : out[row + j] / sums[j]);
            }
        }
    }

    // ---- layer normalization ------------------------------------------------------------------

    /**
     * The first pass of {@code Op.LayerNorm} over rows {@code [from, to)} of {@code len} values: {@code out = x -
     * mean[r]}, and {@code squares = out * out} for the variance.
     */
    static void centreRows(float[] x, float[] mean, int from, int to, int len, float[] out, float[] squares) {
        for (int r = from; r < to; r++) {
            float m = mean[r];
            for (int i = r * len, end = i + len; i < end; i++) {
                float c = x[i] - m;
                out[i] = c;
                squares[i] = c * c;
            }
        }
    }

    /**
     * The last pass of {@code Op.LayerNorm} over rows {@code [from, to)}: {@code out /= sqrt(variance[r] + eps)},
     * then {@code out * scale + bias} by column when {@code scale} is not null, each step rounded as the
     * composition's ops round it (Java never contracts {@code a * b + c} into one rounding).
     */
    static void normalizeRows(float[] out, float[] variance, float eps, float[] scale, float[] bias, int from, int to,
            int len) {
        for (int r = from; r < to; r++) {
            float d = (float) Math.sqrt(variance[r] + eps);
            int row = r * len;
            if (scale == null) {
                for (int j = 0; j < len; j++) {
                    out[row + j] /= d;
                }
            } else {
                for (int j = 0; j < len; j++) {
                    out[row + j] = out[row + j] / d * scale[j] + bias[j];
                }
            }
        }
    }
}
