package dev.adjoint.cpu;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.op.ReduceOp;
import dev.adjoint.spi.Storage;

/**
 * Reductions and softmax: the facade that brings any set of axes down to one of two memory
 * layouts and runs the kernels on it: {@link ReductionsF32} and its generated float64 twin, which
 * pick the {@link ScalarReductionsF32} or {@link VectorReductionsF32} flavour of each kernel, and
 * {@code ScalarReductionsI64} for integers.
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
                    switch (src) {
                        case float[] floats ->
                                ReductionsF32.reduceRows(op, floats, from * reduced, reduced, to - from, dst, from, vector);
                        case double[] doubles ->
                                ReductionsF64.reduceRows(op, doubles, from * reduced, reduced, to - from, dst, from, vector);
                        default -> {
                            for (int p = from; p < to; p++) {
                                reduceRow(op, src, p * reduced, reduced, dst, p, vector);
                            }
                        }
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
            case float[] x -> ReductionsF32.reduceRow(op, x, off, len, dst, index, vector);
            case double[] x -> ReductionsF64.reduceRow(op, x, off, len, dst, index, vector);
            case long[] x when op.isArg() ->
                    ((long[]) dst)[index] = ScalarReductionsI64.argBest(x, off, len, op == ReduceOp.ARGMAX);
            case long[] x -> ((long[]) dst)[index] = switch (op) {
                case SUM -> ScalarReductionsI64.sum(x, off, len);
                case PROD -> ScalarReductionsI64.prod(x, off, len);
                case MAX -> ScalarReductionsI64.max(x, off, len);
                case MIN -> ScalarReductionsI64.min(x, off, len);
                default -> throw new IllegalArgumentException(op.opName() + " is not defined on integers");
            };
            default -> throw new IllegalStateException("not a reducible array: " + src.getClass());
        }
    }

    /** {@code max + log(sumExp)}, where an infinite or NaN maximum is already the answer. */
    static double logSumExp(double max, double sumExp) {
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
                    case float[] x when op == ReduceOp.LOG_SUM_EXP -> ReductionsF32.sumExp(x, from, n, shift, vector);
                    case double[] x when op == ReduceOp.LOG_SUM_EXP -> ReductionsF64.sumExp(x, from, n, shift, vector);
                    case float[] x -> ReductionsF32.rowValue(op, x, from, n, vector);
                    case double[] x -> ReductionsF64.rowValue(op, x, from, n, vector);
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
            case float[] x -> ReductionsF32.reduceColumns(op, x, base, stride, rows, dst, oo, width, vector);
            case double[] x -> ReductionsF64.reduceColumns(op, x, base, stride, rows, dst, oo, width, vector);
            case long[] x when op.isArg() -> ScalarReductionsI64.argColumns(x, base, stride, rows, (long[]) dst, oo, width,
                    op == ReduceOp.ARGMAX);
            case long[] x -> ScalarReductionsI64.columns(op, x, base, stride, rows, (long[]) dst, oo, width);
            default -> throw new IllegalStateException("not a reducible array: " + src.getClass());
        }
    }

    // ---- layer normalization ------------------------------------------------------------------

    /**
     * {@code Op.LayerNorm}: each row of {@code len} values (the last {@code axes} axes) centred on its mean and
     * divided by the square root of its variance plus {@code eps}, then scaled and shifted when {@code scale} is not
     * null. The means and variances come from {@link #reduce} on the rows, as the composition's {@code mean} ops
     * compute them, so the result has the composition's bits; around them, one pass centres and squares each row
     * and one divides (and scales and shifts) it, over rows split between the kernel threads.
     */
    static Storage layerNorm(CpuBackend backend, CpuStorage x, Shape shape, int axes, double eps, CpuStorage scale,
            CpuStorage bias, boolean vector) {
        if (!x.dtype().isFloating()) {
            throw new IllegalArgumentException("layerNorm needs a floating dtype, got " + x.dtype());
        }
        if (x.size() != shape.size() || axes < 1 || axes > shape.rank()) {
            throw new IllegalArgumentException("layerNorm: " + axes + " trailing axes of a storage of " + x.size()
                    + " elements and shape " + shape);
        }
        int n = (int) x.size();
        CpuStorage out = Memory.allocateForOverwrite(backend, x.dtype(), n);
        if (n == 0) {
            return out;
        }
        int len = 1;
        for (int d = shape.rank() - axes; d < shape.rank(); d++) {
            len *= shape.dim(d);
        }
        int rows = n / len, rowLength = len;
        if (scale != null && (scale.size() != len || bias == null || bias.size() != len)) {
            throw new IllegalArgumentException("layerNorm: scale and bias need " + len + " values each");
        }
        Shape matrix = Shape.of(rows, len);
        int[] lastAxis = {1};
        CpuStorage mean = (CpuStorage) reduce(backend, ReduceOp.MEAN, x, matrix, lastAxis, vector);
        CpuStorage squares = Memory.allocateForOverwrite(backend, x.dtype(), n);
        int grain = Math.max(1, Elementwise.PARALLEL_GRAIN / len);
        Parallel.forRange(rows, grain, (from, to) -> {
            switch (x.array()) {
                case float[] a -> ReductionsF32.centreRows(a, mean.floats(), from, to, rowLength, out.floats(),
                        squares.floats());
                case double[] a -> ReductionsF64.centreRows(a, mean.doubles(), from, to, rowLength, out.doubles(),
                        squares.doubles());
                default -> throw new IllegalStateException("not a floating array: " + x.array().getClass());
            }
        });
        CpuStorage variance = (CpuStorage) reduce(backend, ReduceOp.MEAN, squares, matrix, lastAxis, vector);
        squares.release();
        mean.release();
        Parallel.forRange(rows, grain, (from, to) -> {
            if (out.array() instanceof float[] o) {
                ReductionsF32.normalizeRows(o, variance.floats(), (float) eps, scale == null ? null : scale.floats(),
                        bias == null ? null : bias.floats(), from, to, rowLength);
            } else {
                ReductionsF64.normalizeRows(out.doubles(), variance.doubles(), eps,
                        scale == null ? null : scale.doubles(), bias == null ? null : bias.doubles(), from, to,
                        rowLength);
            }
        });
        variance.release();
        return out;
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
                            case float[] a -> ReductionsF32.softmaxColumns(a, base, inner, length, (float[]) dst, width,
                                    log, vector);
                            case double[] a -> ReductionsF64.softmaxColumns(a, base, inner, length, (double[]) dst,
                                    width, log, vector);
                            default -> throw new IllegalStateException("not a floating array: " + src.getClass());
                        }
                    }
                });
        return out;
    }

    private static void softmaxRow(Object src, int off, int len, Object dst, boolean log, boolean vector) {
        switch (src) {
            case float[] x -> ReductionsF32.softmaxRow(x, off, len, (float[]) dst, log, vector);
            case double[] x -> ReductionsF64.softmaxRow(x, off, len, (double[]) dst, log, vector);
            default -> throw new IllegalStateException("not a floating array: " + src.getClass());
        }
    }
}
