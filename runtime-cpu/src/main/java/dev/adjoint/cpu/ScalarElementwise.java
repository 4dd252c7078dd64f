package dev.adjoint.cpu;

import dev.adjoint.core.DType;
import dev.adjoint.op.BinaryOp;
import dev.adjoint.op.UnaryOp;

/**
 * The scalar reference kernels of the elementwise family: {@code bool} here, the numeric types in
 * {@link ScalarElementwiseF32} and the variants generated from it ({@code ScalarElementwiseF64},
 * {@code ...I32}, {@code ...I64}), and the helpers they share. Besides being the reference the
 * vector kernels are tested against, they are the production path for integer and boolean tensors
 * and compute the tails the vector kernels leave.
 */
final class ScalarElementwise {
    private ScalarElementwise() {
    }

    static IllegalArgumentException unsupported(String what, Enum<?> op, DType dtype) {
        return new IllegalArgumentException(what + " " + op + " is not defined on " + dtype);
    }

    static void unary(UnaryOp op, boolean[] x, boolean[] out, int from, int to) {
        if (op != UnaryOp.LOGICAL_NOT) {
            throw unsupported("unary", op, DType.BOOL);
        }
        for (int i = from; i < to; i++) {
            out[i] = !x[i];
        }
    }

    static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }

    /** {@code log(1 + exp(x))} without overflow: {@code max(x, 0) + log1p(exp(-|x|))}. */
    static double softplus(double x) {
        return Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    /** Comparisons and logical ops on {@code bool}, where {@code false < true}. */
    static void binary(BinaryOp op, boolean[] a, int ao, int as, boolean[] b, int bo, int bs, Object out, int oo,
            int n) {
        boolean[] o = (boolean[]) out;
        switch (op) {
            case LOGICAL_AND -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i * as] & b[bo + i * bs]; }
            case LOGICAL_OR -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i * as] | b[bo + i * bs]; }
            case LOGICAL_XOR -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i * as] ^ b[bo + i * bs]; }
            default -> {
                if (op.kind() != BinaryOp.Kind.COMPARISON) {
                    throw unsupported("binary", op, DType.BOOL);
                }
                for (int i = 0; i < n; i++) {
                    o[oo + i] = compared(op, Boolean.compare(a[ao + i * as], b[bo + i * bs]));
                }
            }
        }
    }

    /** A comparison op's verdict from the sign of {@code compare(a, b)}. */
    private static boolean compared(BinaryOp op, int sign) {
        return switch (op) {
            case EQUAL -> sign == 0;
            case NOT_EQUAL -> sign != 0;
            case LESS -> sign < 0;
            case LESS_EQUAL -> sign <= 0;
            case GREATER -> sign > 0;
            case GREATER_EQUAL -> sign >= 0;
            default -> throw new IllegalArgumentException(op + " is not a comparison");
        };
    }

    /**
     * {@code base} to the power {@code exponent} in wrapping integer arithmetic. A negative
     * exponent gives 1 for base 1, ±1 for base -1 and 0 otherwise (the truncated real result);
     * NumPy raises for it instead, and {@code 0} to a negative power is 0 here rather than an error.
     */
    static long integerPower(long base, long exponent) {
        if (exponent < 0) {
            if (base == 1) {
                return 1;
            }
            return base == -1 ? ((exponent & 1) == 0 ? 1 : -1) : 0;
        }
        long result = 1;
        while (exponent != 0) {
            if ((exponent & 1) != 0) {
                result *= base;
            }
            base *= base;
            exponent >>>= 1;
        }
        return result;
    }

    /** {@code out[oo + i] = cond ? a : b} for one broadcast row; arrays share one element type. */
    static void where(boolean[] c, int co, int cs, Object a, int ao, int as, Object b, int bo, int bs, Object out,
            int oo, int n) {
        switch (out) {
            case float[] o -> ScalarElementwiseF32.where(c, co, cs, (float[]) a, ao, as, (float[]) b, bo, bs, o, oo, n);
            case double[] o -> ScalarElementwiseF64.where(c, co, cs, (double[]) a, ao, as, (double[]) b, bo, bs, o, oo, n);
            case int[] o -> ScalarElementwiseI32.where(c, co, cs, (int[]) a, ao, as, (int[]) b, bo, bs, o, oo, n);
            case long[] o -> ScalarElementwiseI64.where(c, co, cs, (long[]) a, ao, as, (long[]) b, bo, bs, o, oo, n);
            case boolean[] o -> {
                boolean[] x = (boolean[]) a, y = (boolean[]) b;
                for (int i = 0; i < n; i++) o[oo + i] = c[co + i * cs] ? x[ao + i * as] : y[bo + i * bs];
            }
            default -> throw new IllegalStateException("not a storage array: " + out.getClass());
        }
    }
}
