package dev.adjoint.cpu;

import dev.adjoint.DType;
import dev.adjoint.Shape;
import dev.adjoint.ops.BinaryOp;
import dev.adjoint.ops.UnaryOp;
import dev.adjoint.spi.Storage;

/**
 * Elementwise ops: the facade that checks types, allocates the result, picks the memory layout
 * case and hands contiguous runs to {@link ScalarElementwise} or {@link VectorElementwise}.
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
        DType dtype = x.dtype();
        if (op.floatingOnly() && !dtype.isFloating()) {
            throw ScalarElementwise.unsupported("unary", op, dtype);
        }
        int n = (int) x.size();
        CpuStorage out = Memory.allocate(backend, dtype, n);
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
            case float[] a when vector -> VectorElementwise.unary(op, a, (float[]) out, from, to);
            case float[] a -> ScalarElementwise.unary(op, a, (float[]) out, from, to);
            case double[] a when vector -> VectorElementwise.unary(op, a, (double[]) out, from, to);
            case double[] a -> ScalarElementwise.unary(op, a, (double[]) out, from, to);
            case int[] a -> ScalarElementwise.unary(op, a, (int[]) out, from, to);
            case long[] a -> ScalarElementwise.unary(op, a, (long[]) out, from, to);
            case boolean[] a -> ScalarElementwise.unary(op, a, (boolean[]) out, from, to);
            default -> throw new IllegalStateException("not a storage array: " + x.getClass());
        }
    }

    static Storage binary(CpuBackend backend, BinaryOp op, CpuStorage a, Shape aShape, CpuStorage b, Shape bShape,
            Shape outShape, boolean vector) {
        DType dtype = a.dtype();
        if (b.dtype() != dtype) {
            throw new IllegalArgumentException("binary " + op + " needs operands of one dtype, got " + dtype + " and "
                    + b.dtype());
        }
        checkBinaryType(op, dtype);
        checkSize("binary " + op, a, aShape);
        checkSize("binary " + op, b, bShape);
        DType resultType = op.kind() == BinaryOp.Kind.ARITHMETIC ? dtype : DType.BOOL;
        int n = Memory.checkedSize(outShape.size());
        CpuStorage out = Memory.allocate(backend, resultType, n);
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
        plan.run(grain, (start, length, offsets) ->
                binaryRow(op, x, offsets[0], aStride, y, offsets[1], bStride, o, start, length, vector));
        return out;
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
            case float[] x when vector -> VectorElementwise.binary(op, x, ao, as, (float[]) b, bo, bs, out, oo, n);
            case float[] x -> ScalarElementwise.binary(op, x, ao, as, (float[]) b, bo, bs, out, oo, n);
            case double[] x when vector -> VectorElementwise.binary(op, x, ao, as, (double[]) b, bo, bs, out, oo, n);
            case double[] x -> ScalarElementwise.binary(op, x, ao, as, (double[]) b, bo, bs, out, oo, n);
            case int[] x -> ScalarElementwise.binary(op, x, ao, as, (int[]) b, bo, bs, out, oo, n);
            case long[] x -> ScalarElementwise.binary(op, x, ao, as, (long[]) b, bo, bs, out, oo, n);
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
        CpuStorage out = Memory.allocate(backend, a.dtype(), n);
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
    private static void whereRow(boolean[] c, int co, int cs, Object a, int ao, int as, Object b, int bo, int bs,
            Object out, int oo, int n, boolean vector) {
        switch (out) {
            case float[] o when vector -> VectorElementwise.where(c, co, cs, (float[]) a, ao, as, (float[]) b, bo, bs, o,
                    oo, n);
            case double[] o when vector -> VectorElementwise.where(c, co, cs, (double[]) a, ao, as, (double[]) b, bo, bs,
                    o, oo, n);
            default -> ScalarElementwise.where(c, co, cs, a, ao, as, b, bo, bs, out, oo, n);
        }
    }
}
