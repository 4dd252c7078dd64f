package dev.adjoint.cpu;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.op.BinaryOp;
import dev.adjoint.op.UnaryOp;
import dev.adjoint.spi.Storage;
import java.lang.reflect.Array;
import java.util.Arrays;

/**
 * Elementwise ops: the facade that checks types, allocates the result, picks the memory layout
 * case and hands contiguous runs to the scalar kernels ({@link ScalarElementwiseF32} and the
 * variants generated from it, {@link ScalarElementwise} for {@code bool}) or the Vector API ones
 * ({@link VectorElementwiseF32}, {@link VectorElementwiseF64}).
 *
 * <p>Layout cases, cheapest first: operands of the output's size (same shape), one operand a
 * single element, then a {@link Broadcast} plan that covers row and column broadcasting and, via
 * an odometer, everything else. The first two neither allocate nor fork for small tensors, which
 * keeps an op on a one-element tensor well under a microsecond.
 */
final class Elementwise {
    /** Outputs at least this large are split over threads; below it forking costs more than it saves. */
    static final int PARALLEL_GRAIN = 1 << 16;
    /** The same for transcendental ops, which spend ~10x more time per element. */
    static final int PARALLEL_GRAIN_TRANSCENDENTAL = 1 << 13;

    private Elementwise() {
    }

    static Storage unary(CpuBackend backend, UnaryOp op, CpuStorage x, boolean vector) {
        return unary(backend, op, x, vector, null);
    }

    /** {@code op(x)} into {@code into} (which may be {@code x}), or into a new storage when it is null. */
    static CpuStorage unary(CpuBackend backend, UnaryOp op, CpuStorage x, boolean vector, CpuStorage into) {
        DType dtype = x.dtype();
        if (op.floatingOnly() && !dtype.isFloating()) {
            throw ScalarElementwise.unsupported("unary", op, dtype);
        }
        int n = (int) x.size();
        CpuStorage out = into != null ? into : Memory.allocateForOverwrite(backend, dtype, n);
        Object in = x.array();
        Object o = out.array();
        int grain = op.floatingOnly() ? PARALLEL_GRAIN_TRANSCENDENTAL : PARALLEL_GRAIN;
        if (n < grain) {
            unaryRange(op, in, o, 0, n, vector);
        } else {
            Parallel.forRange(n, grain, (from, to) -> unaryRange(op, in, o, from, to, vector));
        }
        return out;
    }

    static void unaryRange(UnaryOp op, Object x, Object out, int from, int to, boolean vector) {
        switch (x) {
            case float[] a when vector -> VectorElementwiseF32.unary(op, a, (float[]) out, from, to);
            case float[] a -> ScalarElementwiseF32.unary(op, a, (float[]) out, from, to);
            case double[] a when vector -> VectorElementwiseF64.unary(op, a, (double[]) out, from, to);
            case double[] a -> ScalarElementwiseF64.unary(op, a, (double[]) out, from, to);
            case int[] a -> ScalarElementwiseI32.unary(op, a, (int[]) out, from, to);
            case long[] a -> ScalarElementwiseI64.unary(op, a, (long[]) out, from, to);
            case boolean[] a -> ScalarElementwise.unary(op, a, (boolean[]) out, from, to);
            default -> throw new IllegalStateException("not a storage array: " + x.getClass());
        }
    }

    static Storage binary(CpuBackend backend, BinaryOp op, CpuStorage a, Shape aShape, CpuStorage b, Shape bShape,
            Shape outShape, boolean vector) {
        return binary(backend, op, a, aShape, b, bShape, outShape, vector, null);
    }

    /**
     * {@code a op b} into {@code into}, or into a new storage when it is null. {@code into} may be the
     * storage of {@code a} or {@code b}: an input of the output's size is read at the index each
     * output element is written to, and every kernel reads an element before writing it.
     */
    static CpuStorage binary(CpuBackend backend, BinaryOp op, CpuStorage a, Shape aShape, CpuStorage b,
            Shape bShape, Shape outShape, boolean vector, CpuStorage into) {
        DType dtype = a.dtype();
        if (b.dtype() != dtype) {
            throw new IllegalArgumentException("binary " + op + " needs operands of one dtype, got " + dtype + " and "
                    + b.dtype());
        }
        checkBinaryType(op, dtype);
        checkSize("binary " + op, a, aShape);
        checkSize("binary " + op, b, bShape);
        DType resultType = op.resultType(dtype);
        int n = Memory.checkedSize(outShape.size());
        CpuStorage out = into != null ? into : Memory.allocateForOverwrite(backend, resultType, n);
        if (n == 0) {
            return out;
        }
        Object x = a.array();
        Object y = b.array();
        Object o = out.array();
        int grain = op == BinaryOp.POW ? PARALLEL_GRAIN_TRANSCENDENTAL : PARALLEL_GRAIN;
        int as = a.size() == n ? 1 : 0;
        int bs = b.size() == n ? 1 : 0;
        // Same shape, or one side a single element: one contiguous run, no plan needed.
        if ((as == 1 || a.size() == 1) && (bs == 1 || b.size() == 1)) {
            if (n < grain) {
                binaryRow(op, x, 0, as, y, 0, bs, o, 0, n, vector);
            } else {
                Parallel.forRange(n, grain,
                        (from, to) -> binaryRow(op, x, from * as, as, y, from * bs, bs, o, from, to - from, vector));
            }
            return out;
        }
        Broadcast plan = Broadcast.of(outShape, aShape, bShape);
        int aStride = plan.innerStride(0);
        int bStride = plan.innerStride(1);
        if (plan.rank() == 2 && plan.rowLength() < SHORT_ROW) {
            if (vector || n >= grain) {
                binaryShortRows(op, x, y, o, plan, grain, vector);
            } else {
                // Small and scalar: a plain call per row, which allocates nothing (a bias row added to a batch).
                int m = plan.rowLength();
                for (int row = 0; row < plan.rows(); row++) {
                    binaryRow(op, x, row * plan.outerStride(0), aStride, y, row * plan.outerStride(1), bStride, o,
                            row * m, m, false);
                }
            }
            return out;
        }
        plan.run(grain, (start, length, offsets) ->
                binaryRow(op, x, offsets[0], aStride, y, offsets[1], bStride, o, start, length, vector));
        return out;
    }

    /**
     * {@code (n, m)} rows with {@code m} this short run in groups of rows: calling the row kernel
     * once per row costs more than the row itself, and a row under one vector never reaches SIMD.
     */
    static final int SHORT_ROW = 256;
    /** Elements per group of short rows: a few KiB, so the expanded operands stay in L1. */
    private static final int SHORT_ROW_GROUP = 2048;

    /**
     * A two-dimensional plan of short rows, {@code SHORT_ROW_GROUP / m} rows at a time. An operand that is
     * contiguous across rows is read in place; one broadcast along the rows ({@code (m,)}) is tiled
     * once per thread and one broadcast within rows ({@code (n, 1)}) is expanded per group into a
     * small buffer, so every group is a single contiguous call of the row kernel.
     */
    private static void binaryShortRows(BinaryOp op, Object a, Object b, Object out, Broadcast plan, int grain,
            boolean vector) {
        int m = plan.rowLength();
        int rowsPerGroup = Math.max(1, SHORT_ROW_GROUP / m);
        Parallel.forRange(plan.rows(), Math.max(1, grain / m), (from, to) -> {
            ShortRowOperand ra = new ShortRowOperand(a, plan.outerStride(0), plan.innerStride(0), m, rowsPerGroup);
            ShortRowOperand rb = new ShortRowOperand(b, plan.outerStride(1), plan.innerStride(1), m, rowsPerGroup);
            for (int row = from; row < to; row += rowsPerGroup) {
                int rows = Math.min(rowsPerGroup, to - row);
                ra.prepare(row, rows);
                rb.prepare(row, rows);
                binaryRow(op, ra.array, ra.offset, ra.stride, rb.array, rb.offset, rb.stride, out, row * m, rows * m,
                        vector);
            }
        });
    }

    /** How one operand of a short-row plan is presented to the row kernel for a group of rows. */
    private static final class ShortRowOperand {
        private final Object source;
        private final int outer;
        private final int inner;
        private final int m;
        /** True when every group needs its own expansion (a column operand). */
        private final boolean perGroup;
        Object array;
        int offset;
        int stride;

        ShortRowOperand(Object source, int outer, int inner, int m, int rowsPerGroup) {
            this.source = source;
            this.outer = outer;
            this.inner = inner;
            this.m = m;
            boolean inPlace = inner == 0 && outer == 0 || inner == 1 && outer == m;
            this.perGroup = !inPlace && inner == 0;
            this.array = source;
            this.stride = inner == 0 && outer == 0 ? 0 : 1;
            if (!inPlace) {
                array = Array.newInstance(source.getClass().getComponentType(), rowsPerGroup * m);
                if (!perGroup) {
                    // A row repeated down the rows (outer stride 0): tile it once.
                    for (int r = 0; r < rowsPerGroup; r++) {
                        System.arraycopy(source, 0, array, r * m, m);
                    }
                }
            }
        }

        void prepare(int row, int rows) {
            if (array == source) {
                offset = stride == 0 ? 0 : row * m;
            } else if (perGroup) {
                // One element per row (inner stride 0, outer stride 1), repeated m times.
                for (int r = 0; r < rows; r++) {
                    repeat(source, (row + r) * outer, array, r * m, m);
                }
                offset = 0;
            } else {
                offset = 0;
            }
        }
    }

    /** Sets {@code out[at, at + count)} to {@code source[index]}. */
    private static void repeat(Object source, int index, Object out, int at, int count) {
        switch (source) {
            case float[] s -> Arrays.fill((float[]) out, at, at + count, s[index]);
            case double[] s -> Arrays.fill((double[]) out, at, at + count, s[index]);
            case int[] s -> Arrays.fill((int[]) out, at, at + count, s[index]);
            case long[] s -> Arrays.fill((long[]) out, at, at + count, s[index]);
            case boolean[] s -> Arrays.fill((boolean[]) out, at, at + count, s[index]);
            default -> throw new IllegalStateException("not a storage array: " + source.getClass());
        }
    }

    private static void checkBinaryType(BinaryOp op, DType dtype) {
        boolean ok = switch (op.kind()) {
            case ARITHMETIC -> op == BinaryOp.DIV ? dtype.isFloating() : dtype != DType.BOOL;
            case COMPARISON -> true;
            case LOGICAL -> dtype == DType.BOOL;
        };
        if (!ok) {
            throw ScalarElementwise.unsupported("binary", op, dtype);
        }
    }

    private static void checkSize(String op, CpuStorage x, Shape shape) {
        if (x.size() != shape.size()) {
            throw new IllegalArgumentException(op + ": storage of " + x.size() + " elements does not match shape "
                    + shape);
        }
    }

    /** One run of {@code n} outputs; operand strides are 1 (contiguous) or 0 (repeated element). */
    static void binaryRow(BinaryOp op, Object a, int ao, int as, Object b, int bo, int bs, Object out, int oo,
            int n, boolean vector) {
        switch (a) {
            case float[] x when vector -> VectorElementwiseF32.binary(op, x, ao, as, (float[]) b, bo, bs, out, oo, n);
            case float[] x -> ScalarElementwiseF32.binary(op, x, ao, as, (float[]) b, bo, bs, out, oo, n);
            case double[] x when vector -> VectorElementwiseF64.binary(op, x, ao, as, (double[]) b, bo, bs, out, oo, n);
            case double[] x -> ScalarElementwiseF64.binary(op, x, ao, as, (double[]) b, bo, bs, out, oo, n);
            case int[] x -> ScalarElementwiseI32.binary(op, x, ao, as, (int[]) b, bo, bs, out, oo, n);
            case long[] x -> ScalarElementwiseI64.binary(op, x, ao, as, (long[]) b, bo, bs, out, oo, n);
            case boolean[] x -> ScalarElementwise.binary(op, x, ao, as, (boolean[]) b, bo, bs, out, oo, n);
            default -> throw new IllegalStateException("not a storage array: " + a.getClass());
        }
    }

    static Storage where(CpuBackend backend, CpuStorage cond, Shape condShape, CpuStorage a, Shape aShape,
            CpuStorage b, Shape bShape, Shape outShape, boolean vector) {
        if (cond.dtype() != DType.BOOL) {
            throw new IllegalArgumentException("where needs a bool condition, got " + cond.dtype());
        }
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException("where needs branches of one dtype, got " + a.dtype() + " and "
                    + b.dtype());
        }
        checkSize("where", cond, condShape);
        checkSize("where", a, aShape);
        checkSize("where", b, bShape);
        int n = Memory.checkedSize(outShape.size());
        CpuStorage out = Memory.allocateForOverwrite(backend, a.dtype(), n);
        if (n == 0) {
            return out;
        }
        boolean[] c = cond.bools();
        Object x = a.array();
        Object y = b.array();
        Object o = out.array();
        if (cond.size() == n && a.size() == n && b.size() == n && n < PARALLEL_GRAIN) {
            whereRow(c, 0, 1, x, 0, 1, y, 0, 1, o, 0, n, vector);
            return out;
        }
        Broadcast plan = Broadcast.of(outShape, condShape, aShape, bShape);
        int cs = plan.innerStride(0);
        int as = plan.innerStride(1);
        int bs = plan.innerStride(2);
        plan.run(PARALLEL_GRAIN, (start, length, offsets) ->
                whereRow(c, offsets[0], cs, x, offsets[1], as, y, offsets[2], bs, o, start, length, vector));
        return out;
    }

    /** One broadcast row of {@code where}; only floating types have a vector kernel. */
    static void whereRow(boolean[] c, int co, int cs, Object a, int ao, int as, Object b, int bo, int bs,
            Object out, int oo, int n, boolean vector) {
        switch (out) {
            case float[] o when vector -> VectorElementwiseF32.where(c, co, cs, (float[]) a, ao, as, (float[]) b, bo, bs,
                    o, oo, n);
            case double[] o when vector -> VectorElementwiseF64.where(c, co, cs, (double[]) a, ao, as, (double[]) b, bo,
                    bs, o, oo, n);
            default -> ScalarElementwise.where(c, co, cs, a, ao, as, b, bo, bs, out, oo, n);
        }
    }
}
