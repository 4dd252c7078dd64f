package dev.adjoint.cpu;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.op.ReduceOp;
import dev.adjoint.spi.Storage;

/**
 * Reductions and softmax: the facade that brings any set of axes down to one of two memory
 * layouts and runs {@link ScalarReductions} or {@link VectorReductions} kernels on it.
 *
 * <p>Neighbouring reduced axes merge, as do neighbouring kept ones, so a reduction is a sequence of
 * steps of the form {@code (outer P, reduced R, inner I)}: with {@code I == 1} each of the P rows
 * is a contiguous run (last-axis reductions, softmax over rows), otherwise R rows of I elements
 * combine elementwise (leading-axis reductions), in tiles of {@link #TILE} columns that stay in L1.
 * Axes that alternate, e.g. {@code (0, 2)} of a 3-D tensor, reduce the innermost group first and
 * then the rest, which is exact for every op here (a mean of equal-sized means is the mean).
 *
 * <p>{@code int32} and {@code bool} reduce as {@code int64} (sums and products wrap the same way
 * modulo 2^32; {@code bool} sum/max is "any", prod/min "all") and convert back.
 */
final class Reductions {
    /** Work of at least this many elements is split over threads. */
    static final int PARALLEL_GRAIN = 1 << 16;
    /** Columns reduced together: one tile of accumulators stays in L1 while rows stream past. */
    private static final int TILE = 1024;
    /** Float32 column sums fold into double after this many rows, so no accumulator sees a long chain. */
    private static final int ROW_BLOCK = 256;

    private Reductions() {
    }

    static Storage reduce(CpuBackend backend, ReduceOp op, CpuStorage x, Shape shape, int[] axes, boolean vector) {
        DType dtype = x.dtype();
        checkReduce(op, x, shape, axes);
        int rank = shape.rank();
        // Group the axes into runs of reduced or kept ones; size-1 kept axes change nothing.
        int[] sizes = new int[rank];
        boolean[] reduced = new boolean[rank];
        int groups = 0;
        for (int d = 0, a = 0; d < rank; d++) {
            boolean r = a < axes.length && axes[a] == d;
            if (r) {
                a++;
            } else if (shape.dim(d) == 1) {
                continue;
            }
            if (groups > 0 && reduced[groups - 1] == r) {
                sizes[groups - 1] *= shape.dim(d);
            } else {
                sizes[groups] = shape.dim(d);
                reduced[groups++] = r;
            }
        }
        CpuStorage current = dtype == DType.INT32 || dtype == DType.BOOL
                ? (CpuStorage) Memory.cast(backend, x, DType.INT64) : x;
        for (int g = groups - 1; g >= 0; g--) {
            if (!reduced[g]) {
                continue;
            }
            int outer = 1;
            int inner = 1;
            for (int k = 0; k < g; k++) {
                outer *= sizes[k];
            }
            for (int k = g + 1; k < groups; k++) {
                inner *= reduced[k] ? 1 : sizes[k];
            }
            current = step(backend, op, current, outer, sizes[g], inner, vector);
        }
        if (op.isArg() || current.dtype() == dtype) {
            return current;
        }
        return Memory.cast(backend, current, dtype);
    }

    private static void checkReduce(ReduceOp op, CpuStorage x, Shape shape, int[] axes) {
        if (x.size() != shape.size()) {
            throw new IllegalArgumentException(op.opName() + ": storage of " + x.size()
                    + " elements does not match shape " + shape);
        }
        if (axes.length == 0 || (op.isArg() && axes.length != 1)) {
            throw new IllegalArgumentException(op.opName() + " needs " + (op.isArg() ? "exactly one axis" : "axes")
                    + ", got " + java.util.Arrays.toString(axes));
        }
        for (int i = 0; i < axes.length; i++) {
            if (axes[i] < 0 || axes[i] >= shape.rank() || (i > 0 && axes[i] <= axes[i - 1])) {
                throw new IllegalArgumentException(op.opName() + ": axes " + java.util.Arrays.toString(axes)
                        + " must be sorted, distinct and within rank " + shape.rank());
            }
        }
        if ((op == ReduceOp.MEAN || op == ReduceOp.LOG_SUM_EXP) && !x.dtype().isFloating()) {
            throw new IllegalArgumentException(op.opName() + " needs a floating dtype, got " + x.dtype());
        }
    }

    /** Reduces the middle axis of {@code x} viewed as {@code (outer, reduced, inner)}. */
    private static CpuStorage step(CpuBackend backend, ReduceOp op, CpuStorage x, int outer, int reduced, int inner,
            boolean vector) {
        int n = outer * inner;
        CpuStorage out = Memory.allocate(backend, op.isArg() ? DType.INT64 : x.dtype(), n);
        if (n == 0) {
            return out;
        }
        if (reduced == 0) {
            if (op.needsNonEmpty()) {
                throw new IllegalArgumentException(op.opName() + " of an empty axis has no value");
            }
            Memory.fill(out.array(), 0, n, identity(op));
            return out;
        }
        Object src = x.array();
        Object dst = out.array();
        if (inner == 1) {
            if (outer == 1 && reduced >= PARALLEL_GRAIN && op != ReduceOp.ARGMAX && op != ReduceOp.ARGMIN
                    && !(src instanceof long[])) {
                Memory.fill(dst, 0, 1, wholeRowInParallel(op, src, reduced, vector));
            } else {
                Parallel.forRange(outer, Math.max(1, PARALLEL_GRAIN / reduced), (from, to) -> {
                    for (int p = from; p < to; p++) {
                        reduceRow(op, src, p * reduced, reduced, dst, p, vector);
                    }
                });
            }
            return out;
        }
        int tiles = (inner + TILE - 1) / TILE;
        int tileWork = reduced * Math.min(inner, TILE);
        Parallel.forRange(outer * tiles, Math.max(1, PARALLEL_GRAIN / tileWork), (from, to) -> {
            for (int unit = from; unit < to; unit++) {
                int p = unit / tiles;
                int column = unit % tiles * TILE;
                reduceColumns(op, src, p * reduced * inner + column, inner, reduced, dst, p * inner + column,
                        Math.min(TILE, inner - column), vector);
            }
        });
        return out;
    }

    private static double identity(ReduceOp op) {
        return switch (op) {
            case SUM -> 0;
            case PROD -> 1;
            case MEAN -> Double.NaN;
            case LOG_SUM_EXP -> Double.NEGATIVE_INFINITY;
            default -> throw new IllegalArgumentException(op.opName() + " has no identity");
        };
    }

    // ---- rows ---------------------------------------------------------------------------------

    /** {@code dst[index] = op(src[off, off + len))}. */
    private static void reduceRow(ReduceOp op, Object src, int off, int len, Object dst, int index, boolean vector) {
        switch (src) {
            case float[] x when op.isArg() -> ((long[]) dst)[index] = ScalarReductions.argBest(x, off, len, op == ReduceOp.ARGMAX);
            case double[] x when op.isArg() -> ((long[]) dst)[index] = ScalarReductions.argBest(x, off, len, op == ReduceOp.ARGMAX);
            case long[] x when op.isArg() -> ((long[]) dst)[index] = ScalarReductions.argBest(x, off, len, op == ReduceOp.ARGMAX);
            case float[] x -> ((float[]) dst)[index] = (float) rowValue(op, x, off, len, vector);
            case double[] x -> ((double[]) dst)[index] = rowValue(op, x, off, len, vector);
            case long[] x -> ((long[]) dst)[index] = switch (op) {
                case SUM -> ScalarReductions.sum(x, off, len);
                case PROD -> ScalarReductions.prod(x, off, len);
                case MAX -> ScalarReductions.max(x, off, len);
                case MIN -> ScalarReductions.min(x, off, len);
                default -> throw new IllegalArgumentException(op.opName() + " is not defined on integers");
            };
            default -> throw new IllegalStateException("not a reducible array: " + src.getClass());
        }
    }

    private static double rowValue(ReduceOp op, float[] x, int off, int len, boolean vector) {
        return switch (op) {
            case SUM -> vector ? VectorReductions.sum(x, off, len) : ScalarReductions.sum(x, off, len);
            case MEAN -> (vector ? VectorReductions.sum(x, off, len) : ScalarReductions.sum(x, off, len)) / len;
            case PROD -> vector ? VectorReductions.prod(x, off, len) : ScalarReductions.prod(x, off, len);
            case MAX -> vector ? VectorReductions.max(x, off, len) : ScalarReductions.max(x, off, len);
            case MIN -> vector ? VectorReductions.min(x, off, len) : ScalarReductions.min(x, off, len);
            case LOG_SUM_EXP -> {
                double m = vector ? VectorReductions.max(x, off, len) : ScalarReductions.max(x, off, len);
                yield logSumExp(m, Double.isFinite(m) ? (vector ? VectorReductions.sumExp(x, off, len, m)
                        : ScalarReductions.sumExp(x, off, len, m)) : 1);
            }
            case ARGMAX, ARGMIN -> throw new IllegalArgumentException(op.opName() + " has no value kernel");
        };
    }

    private static double rowValue(ReduceOp op, double[] x, int off, int len, boolean vector) {
        return switch (op) {
            case SUM -> vector ? VectorReductions.sum(x, off, len) : ScalarReductions.sum(x, off, len);
            case MEAN -> (vector ? VectorReductions.sum(x, off, len) : ScalarReductions.sum(x, off, len)) / len;
            case PROD -> vector ? VectorReductions.prod(x, off, len) : ScalarReductions.prod(x, off, len);
            case MAX -> vector ? VectorReductions.max(x, off, len) : ScalarReductions.max(x, off, len);
            case MIN -> vector ? VectorReductions.min(x, off, len) : ScalarReductions.min(x, off, len);
            case LOG_SUM_EXP -> {
                double m = vector ? VectorReductions.max(x, off, len) : ScalarReductions.max(x, off, len);
                yield logSumExp(m, Double.isFinite(m) ? (vector ? VectorReductions.sumExp(x, off, len, m)
                        : ScalarReductions.sumExp(x, off, len, m)) : 1);
            }
            case ARGMAX, ARGMIN -> throw new IllegalArgumentException(op.opName() + " has no value kernel");
        };
    }

    /** {@code max + log(sumExp)}, where an infinite or NaN maximum is already the answer. */
    private static double logSumExp(double max, double sumExp) {
        return Double.isFinite(max) ? max + Math.log(sumExp) : max;
    }

    /**
     * One value from a whole large array: each thread reduces one contiguous chunk and the chunk
     * results combine in chunk order, so the answer does not depend on scheduling.
     */
    private static double wholeRowInParallel(ReduceOp op, Object src, int len, boolean vector) {
        ReduceOp partialOp = switch (op) {
            case MEAN -> ReduceOp.SUM;
            case LOG_SUM_EXP -> ReduceOp.MAX;
            default -> op;
        };
        double value = combine(partialOp, partials(partialOp, src, len, vector, 0));
        return switch (op) {
            case MEAN -> value / len;
            case LOG_SUM_EXP -> logSumExp(value, Double.isFinite(value)
                    ? combine(ReduceOp.SUM, partials(ReduceOp.LOG_SUM_EXP, src, len, vector, value)) : 1);
            default -> value;
        };
    }

    /** Per-chunk values of {@code op}; for LOG_SUM_EXP each chunk's {@code sum(exp(x - shift))}. */
    private static double[] partials(ReduceOp op, Object src, int len, boolean vector, double shift) {
        int chunks = Parallel.threads();
        double[] partial = new double[chunks];
        Parallel.forRange(chunks, 1, (c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                int from = (int) ((long) len * c / chunks);
                int n = (int) ((long) len * (c + 1) / chunks) - from;
                partial[c] = switch (src) {
                    case float[] x when op == ReduceOp.LOG_SUM_EXP -> vector
                            ? VectorReductions.sumExp(x, from, n, shift) : ScalarReductions.sumExp(x, from, n, shift);
                    case double[] x when op == ReduceOp.LOG_SUM_EXP -> vector
                            ? VectorReductions.sumExp(x, from, n, shift) : ScalarReductions.sumExp(x, from, n, shift);
                    case float[] x -> rowValue(op, x, from, n, vector);
                    case double[] x -> rowValue(op, x, from, n, vector);
                    default -> throw new IllegalStateException("not a floating array: " + src.getClass());
                };
            }
        });
        return partial;
    }

    private static double combine(ReduceOp op, double[] partial) {
        double value = partial[0];
        for (int c = 1; c < partial.length; c++) {
            value = switch (op) {
                case SUM -> value + partial[c];
                case PROD -> value * partial[c];
                case MAX -> Math.max(value, partial[c]);
                case MIN -> Math.min(value, partial[c]);
                default -> throw new IllegalArgumentException(op.opName() + " partials do not combine");
            };
        }
        return value;
    }

    // ---- columns ------------------------------------------------------------------------------

    /** {@code dst[oo + j] = op over r < rows of src[base + r * stride + j]} for {@code j < width}. */
    private static void reduceColumns(ReduceOp op, Object src, int base, int stride, int rows, Object dst, int oo,
            int width, boolean vector) {
        switch (src) {
            case float[] x when op.isArg() -> argColumns(x, base, stride, rows, (long[]) dst, oo, width, op == ReduceOp.ARGMAX);
            case double[] x when op.isArg() -> argColumns(x, base, stride, rows, (long[]) dst, oo, width, op == ReduceOp.ARGMAX);
            case long[] x when op.isArg() -> argColumns(x, base, stride, rows, (long[]) dst, oo, width, op == ReduceOp.ARGMAX);
            case float[] x -> valueColumns(op, x, base, stride, rows, (float[]) dst, oo, width, vector);
            case double[] x -> valueColumns(op, x, base, stride, rows, (double[]) dst, oo, width, vector);
            case long[] x -> ScalarReductions.columns(op, x, base, stride, rows, (long[]) dst, oo, width);
            default -> throw new IllegalStateException("not a reducible array: " + src.getClass());
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
            for (int j = 0; j < width; j++) out[oo + j] = (float) logSumExp(out[oo + j], sums[j]);
            return;
        }
        boolean mean = op == ReduceOp.MEAN;
        ReduceOp combining = mean ? ReduceOp.SUM : op;
        if (combining != ReduceOp.SUM || rows <= ROW_BLOCK) {
            columns(combining, x, base, stride, rows, out, oo, width, vector);
            if (mean) {
                for (int j = 0; j < width; j++) out[oo + j] = (float) ((double) out[oo + j] / rows);
            }
            return;
        }
        // Long float32 column sums: short float chains per block of rows, blocks added in double.
        float[] partial = new float[width];
        double[] total = new double[width];
        for (int r = 0; r < rows; r += ROW_BLOCK) {
            columns(ReduceOp.SUM, x, base + r * stride, stride, Math.min(ROW_BLOCK, rows - r), partial, 0, width,
                    vector);
            for (int j = 0; j < width; j++) total[j] += partial[j];
        }
        for (int j = 0; j < width; j++) out[oo + j] = (float) (mean ? total[j] / rows : total[j]);
    }

    private static void valueColumns(ReduceOp op, double[] x, int base, int stride, int rows, double[] out, int oo,
            int width, boolean vector) {
        if (op == ReduceOp.LOG_SUM_EXP) {
            columns(ReduceOp.MAX, x, base, stride, rows, out, oo, width, vector);
            double[] sums = new double[width];
            for (int r = 0; r < rows; r++) {
                int row = base + r * stride;
                for (int j = 0; j < width; j++) sums[j] += Math.exp(x[row + j] - out[oo + j]);
            }
            for (int j = 0; j < width; j++) out[oo + j] = logSumExp(out[oo + j], sums[j]);
            return;
        }
        boolean mean = op == ReduceOp.MEAN;
        columns(mean ? ReduceOp.SUM : op, x, base, stride, rows, out, oo, width, vector);
        if (mean) {
            for (int j = 0; j < width; j++) out[oo + j] /= rows;
        }
    }

    private static void columns(ReduceOp op, float[] x, int base, int stride, int rows, float[] acc, int ao,
            int width, boolean vector) {
        if (vector) {
            VectorReductions.columns(op, x, base, stride, rows, acc, ao, width);
        } else {
            ScalarReductions.columns(op, x, base, stride, rows, acc, ao, width);
        }
    }

    private static void columns(ReduceOp op, double[] x, int base, int stride, int rows, double[] acc, int ao,
            int width, boolean vector) {
        if (vector) {
            VectorReductions.columns(op, x, base, stride, rows, acc, ao, width);
        } else {
            ScalarReductions.columns(op, x, base, stride, rows, acc, ao, width);
        }
    }

    /** Per column, the first row holding the maximum (or minimum); the first NaN wins. */
    private static void argColumns(float[] x, int base, int stride, int rows, long[] out, int oo, int width,
            boolean max) {
        java.util.Arrays.fill(out, oo, oo + width, 0L);
        for (int r = 1; r < rows; r++) {
            int row = base + r * stride;
            for (int j = 0; j < width; j++) {
                float best = x[base + (int) out[oo + j] * stride + j];
                float v = x[row + j];
                if (!Float.isNaN(best) && (Float.isNaN(v) || (max ? v > best : v < best))) out[oo + j] = r;
            }
        }
    }

    private static void argColumns(double[] x, int base, int stride, int rows, long[] out, int oo, int width,
            boolean max) {
        java.util.Arrays.fill(out, oo, oo + width, 0L);
        for (int r = 1; r < rows; r++) {
            int row = base + r * stride;
            for (int j = 0; j < width; j++) {
                double best = x[base + (int) out[oo + j] * stride + j];
                double v = x[row + j];
                if (!Double.isNaN(best) && (Double.isNaN(v) || (max ? v > best : v < best))) out[oo + j] = r;
            }
        }
    }

    private static void argColumns(long[] x, int base, int stride, int rows, long[] out, int oo, int width,
            boolean max) {
        java.util.Arrays.fill(out, oo, oo + width, 0L);
        for (int r = 1; r < rows; r++) {
            int row = base + r * stride;
            for (int j = 0; j < width; j++) {
                long best = x[base + (int) out[oo + j] * stride + j];
                long v = x[row + j];
                if (max ? v > best : v < best) out[oo + j] = r;
            }
        }
    }

    // ---- softmax ------------------------------------------------------------------------------

    static Storage softmax(CpuBackend backend, CpuStorage x, Shape shape, int axis, boolean log, boolean vector) {
        if (!x.dtype().isFloating()) {
            throw new IllegalArgumentException("softmax needs a floating dtype, got " + x.dtype());
        }
        if (x.size() != shape.size()) {
            throw new IllegalArgumentException("softmax: storage of " + x.size() + " elements does not match shape "
                    + shape);
        }
        if (axis < 0 || axis >= shape.rank()) {
            throw new IllegalArgumentException("softmax: axis " + axis + " is out of range for shape " + shape);
        }
        int n = (int) x.size();
        CpuStorage out = Memory.allocate(backend, x.dtype(), n);
        if (n == 0) {
            return out;
        }
        int outer = Layout.outer(shape, axis);
        int length = shape.dim(axis);
        int inner = Layout.inner(shape, axis);
        Object src = x.array();
        Object dst = out.array();
        if (inner == 1) {
            Parallel.forRange(outer, Math.max(1, Elementwise.PARALLEL_GRAIN_TRANSCENDENTAL / length), (from, to) -> {
                for (int p = from; p < to; p++) {
                    softmaxRow(src, p * length, length, dst, log, vector);
                }
            });
            return out;
        }
        int tiles = (inner + TILE - 1) / TILE;
        int tileWork = length * Math.min(inner, TILE);
        Parallel.forRange(outer * tiles, Math.max(1, Elementwise.PARALLEL_GRAIN_TRANSCENDENTAL / tileWork),
                (from, to) -> {
                    for (int unit = from; unit < to; unit++) {
                        int p = unit / tiles;
                        int column = unit % tiles * TILE;
                        int base = p * length * inner + column;
                        int width = Math.min(TILE, inner - column);
                        switch (src) {
                            case float[] a -> softmaxColumns(a, base, inner, length, (float[]) dst, width, log, vector);
                            case double[] a -> softmaxColumns(a, base, inner, length, (double[]) dst, width, log, vector);
                            default -> throw new IllegalStateException("not a floating array: " + src.getClass());
                        }
                    }
                });
        return out;
    }

    private static void softmaxRow(Object src, int off, int len, Object dst, boolean log, boolean vector) {
        switch (src) {
            case float[] x when vector -> VectorReductions.softmaxRow(x, off, len, (float[]) dst, log);
            case float[] x -> ScalarReductions.softmaxRow(x, off, len, (float[]) dst, log);
            case double[] x when vector -> VectorReductions.softmaxRow(x, off, len, (double[]) dst, log);
            case double[] x -> ScalarReductions.softmaxRow(x, off, len, (double[]) dst, log);
            default -> throw new IllegalStateException("not a floating array: " + src.getClass());
        }
    }

    /** Softmax down {@code rows} rows for {@code width} columns starting at {@code base}. */
    private static void softmaxColumns(float[] x, int base, int stride, int rows, float[] out, int width, boolean log,
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

    private static void softmaxColumns(double[] x, int base, int stride, int rows, double[] out, int width,
            boolean log, boolean vector) {
        double[] max = new double[width];
        double[] sums = new double[width];
        columns(ReduceOp.MAX, x, base, stride, rows, max, 0, width, vector);
        for (int r = 0; r < rows; r++) {
            int row = base + r * stride;
            for (int j = 0; j < width; j++) {
                out[row + j] = Math.exp(x[row + j] - max[j]);
                sums[j] += out[row + j];
            }
        }
        for (int r = 0; r < rows; r++) {
            int row = base + r * stride;
            for (int j = 0; j < width; j++) {
                out[row + j] = log ? x[row + j] - max[j] - Math.log(sums[j]) : out[row + j] / sums[j];
            }
        }
    }
}
