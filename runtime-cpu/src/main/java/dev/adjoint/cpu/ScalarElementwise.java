package dev.adjoint.cpu;

import dev.adjoint.core.DType;
import dev.adjoint.op.BinaryOp;
import dev.adjoint.op.UnaryOp;

/**
 * The scalar reference kernels of the elementwise family, one plain loop per op so the JIT sees a
 * constant operation in every loop. They are also the production path for integer and boolean
 * tensors (C2 unrolls these loops) and compute the tails the vector kernels leave.
 *
 * <p>Binary kernels take each operand as (array, offset, stride) with a stride of 1 (contiguous)
 * or 0 (one element repeated), which is all a {@link Broadcast} row needs.
 */
final class ScalarElementwise {
    private ScalarElementwise() {
    }

    static IllegalArgumentException unsupported(String what, Enum<?> op, DType dtype) {
        return new IllegalArgumentException(what + " " + op + " is not defined on " + dtype);
    }

    // ---- unary --------------------------------------------------------------------------------

    static void unary(UnaryOp op, float[] x, float[] out, int from, int to) {
        switch (op) {
            case NEG -> { for (int i = from; i < to; i++) out[i] = -x[i]; }
            case ABS -> { for (int i = from; i < to; i++) out[i] = Math.abs(x[i]); }
            case SIGN -> { for (int i = from; i < to; i++) out[i] = Math.signum(x[i]); }
            case SQUARE -> { for (int i = from; i < to; i++) out[i] = x[i] * x[i]; }
            case RELU -> { for (int i = from; i < to; i++) out[i] = x[i] <= 0 ? 0f : x[i]; }
            case EXP -> { for (int i = from; i < to; i++) out[i] = (float) Math.exp(x[i]); }
            case LOG -> { for (int i = from; i < to; i++) out[i] = (float) Math.log(x[i]); }
            case LOG1P -> { for (int i = from; i < to; i++) out[i] = (float) Math.log1p(x[i]); }
            case SQRT -> { for (int i = from; i < to; i++) out[i] = (float) Math.sqrt(x[i]); }
            case RSQRT -> { for (int i = from; i < to; i++) out[i] = (float) (1.0 / Math.sqrt(x[i])); }
            case SIN -> { for (int i = from; i < to; i++) out[i] = (float) Math.sin(x[i]); }
            case COS -> { for (int i = from; i < to; i++) out[i] = (float) Math.cos(x[i]); }
            case TANH -> { for (int i = from; i < to; i++) out[i] = (float) Math.tanh(x[i]); }
            case SIGMOID -> { for (int i = from; i < to; i++) out[i] = (float) sigmoid(x[i]); }
            case SOFTPLUS -> { for (int i = from; i < to; i++) out[i] = (float) softplus(x[i]); }
            case LOGICAL_NOT -> throw unsupported("unary", op, DType.FLOAT32);
        }
    }

    static void unary(UnaryOp op, double[] x, double[] out, int from, int to) {
        switch (op) {
            case NEG -> { for (int i = from; i < to; i++) out[i] = -x[i]; }
            case ABS -> { for (int i = from; i < to; i++) out[i] = Math.abs(x[i]); }
            case SIGN -> { for (int i = from; i < to; i++) out[i] = Math.signum(x[i]); }
            case SQUARE -> { for (int i = from; i < to; i++) out[i] = x[i] * x[i]; }
            case RELU -> { for (int i = from; i < to; i++) out[i] = x[i] <= 0 ? 0.0 : x[i]; }
            case EXP -> { for (int i = from; i < to; i++) out[i] = Math.exp(x[i]); }
            case LOG -> { for (int i = from; i < to; i++) out[i] = Math.log(x[i]); }
            case LOG1P -> { for (int i = from; i < to; i++) out[i] = Math.log1p(x[i]); }
            case SQRT -> { for (int i = from; i < to; i++) out[i] = Math.sqrt(x[i]); }
            case RSQRT -> { for (int i = from; i < to; i++) out[i] = 1.0 / Math.sqrt(x[i]); }
            case SIN -> { for (int i = from; i < to; i++) out[i] = Math.sin(x[i]); }
            case COS -> { for (int i = from; i < to; i++) out[i] = Math.cos(x[i]); }
            case TANH -> { for (int i = from; i < to; i++) out[i] = Math.tanh(x[i]); }
            case SIGMOID -> { for (int i = from; i < to; i++) out[i] = sigmoid(x[i]); }
            case SOFTPLUS -> { for (int i = from; i < to; i++) out[i] = softplus(x[i]); }
            case LOGICAL_NOT -> throw unsupported("unary", op, DType.FLOAT64);
        }
    }

    static void unary(UnaryOp op, int[] x, int[] out, int from, int to) {
        switch (op) {
            case NEG -> { for (int i = from; i < to; i++) out[i] = -x[i]; }
            case ABS -> { for (int i = from; i < to; i++) out[i] = Math.abs(x[i]); }
            case SIGN -> { for (int i = from; i < to; i++) out[i] = Integer.signum(x[i]); }
            case SQUARE -> { for (int i = from; i < to; i++) out[i] = x[i] * x[i]; }
            case RELU -> { for (int i = from; i < to; i++) out[i] = Math.max(x[i], 0); }
            default -> throw unsupported("unary", op, DType.INT32);
        }
    }

    static void unary(UnaryOp op, long[] x, long[] out, int from, int to) {
        switch (op) {
            case NEG -> { for (int i = from; i < to; i++) out[i] = -x[i]; }
            case ABS -> { for (int i = from; i < to; i++) out[i] = Math.abs(x[i]); }
            case SIGN -> { for (int i = from; i < to; i++) out[i] = Long.signum(x[i]); }
            case SQUARE -> { for (int i = from; i < to; i++) out[i] = x[i] * x[i]; }
            case RELU -> { for (int i = from; i < to; i++) out[i] = Math.max(x[i], 0L); }
            default -> throw unsupported("unary", op, DType.INT64);
        }
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

    // ---- binary -------------------------------------------------------------------------------

    static void binary(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, Object out, int oo, int n) {
        if (op.kind() == BinaryOp.Kind.COMPARISON) {
            boolean[] o = (boolean[]) out;
            switch (op) {
                case EQUAL -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i * as] == b[bo + i * bs]; }
                case NOT_EQUAL -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i * as] != b[bo + i * bs]; }
                case LESS -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i * as] < b[bo + i * bs]; }
                case LESS_EQUAL -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i * as] <= b[bo + i * bs]; }
                case GREATER -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i * as] > b[bo + i * bs]; }
                case GREATER_EQUAL -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i * as] >= b[bo + i * bs]; }
                default -> throw unsupported("binary", op, DType.FLOAT32);
            }
            return;
        }
        float[] o = (float[]) out;
        switch (op) {
            case ADD -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i * as] + b[bo + i * bs]; }
            case SUB -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i * as] - b[bo + i * bs]; }
            case MUL -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i * as] * b[bo + i * bs]; }
            case DIV -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i * as] / b[bo + i * bs]; }
            case POW -> { for (int i = 0; i < n; i++) o[oo + i] = (float) BinaryOp.pow(a[ao + i * as], b[bo + i * bs]); }
            case MAXIMUM -> { for (int i = 0; i < n; i++) o[oo + i] = Math.max(a[ao + i * as], b[bo + i * bs]); }
            case MINIMUM -> { for (int i = 0; i < n; i++) o[oo + i] = Math.min(a[ao + i * as], b[bo + i * bs]); }
            default -> throw unsupported("binary", op, DType.FLOAT32);
        }
    }

    static void binary(BinaryOp op, double[] a, int ao, int as, double[] b, int bo, int bs, Object out, int oo, int n) {
        if (op.kind() == BinaryOp.Kind.COMPARISON) {
            boolean[] o = (boolean[]) out;
            switch (op) {
                case EQUAL -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i * as] == b[bo + i * bs]; }
                case NOT_EQUAL -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i * as] != b[bo + i * bs]; }
                case LESS -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i * as] < b[bo + i * bs]; }
                case LESS_EQUAL -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i * as] <= b[bo + i * bs]; }
                case GREATER -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i * as] > b[bo + i * bs]; }
                case GREATER_EQUAL -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i * as] >= b[bo + i * bs]; }
                default -> throw unsupported("binary", op, DType.FLOAT64);
            }
            return;
        }
        double[] o = (double[]) out;
        switch (op) {
            case ADD -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i * as] + b[bo + i * bs]; }
            case SUB -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i * as] - b[bo + i * bs]; }
            case MUL -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i * as] * b[bo + i * bs]; }
            case DIV -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i * as] / b[bo + i * bs]; }
            case POW -> { for (int i = 0; i < n; i++) o[oo + i] = BinaryOp.pow(a[ao + i * as], b[bo + i * bs]); }
            case MAXIMUM -> { for (int i = 0; i < n; i++) o[oo + i] = Math.max(a[ao + i * as], b[bo + i * bs]); }
            case MINIMUM -> { for (int i = 0; i < n; i++) o[oo + i] = Math.min(a[ao + i * as], b[bo + i * bs]); }
            default -> throw unsupported("binary", op, DType.FLOAT64);
        }
    }

    static void binary(BinaryOp op, int[] a, int ao, int as, int[] b, int bo, int bs, Object out, int oo, int n) {
        if (op.kind() == BinaryOp.Kind.COMPARISON) {
            boolean[] o = (boolean[]) out;
            for (int i = 0; i < n; i++) {
                o[oo + i] = compared(op, Integer.compare(a[ao + i * as], b[bo + i * bs]));
            }
            return;
        }
        int[] o = (int[]) out;
        switch (op) {
            case ADD -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i * as] + b[bo + i * bs]; }
            case SUB -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i * as] - b[bo + i * bs]; }
            case MUL -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i * as] * b[bo + i * bs]; }
            case POW -> { for (int i = 0; i < n; i++) o[oo + i] = (int) integerPower(a[ao + i * as], b[bo + i * bs]); }
            case MAXIMUM -> { for (int i = 0; i < n; i++) o[oo + i] = Math.max(a[ao + i * as], b[bo + i * bs]); }
            case MINIMUM -> { for (int i = 0; i < n; i++) o[oo + i] = Math.min(a[ao + i * as], b[bo + i * bs]); }
            default -> throw unsupported("binary", op, DType.INT32);
        }
    }

    static void binary(BinaryOp op, long[] a, int ao, int as, long[] b, int bo, int bs, Object out, int oo, int n) {
        if (op.kind() == BinaryOp.Kind.COMPARISON) {
            boolean[] o = (boolean[]) out;
            for (int i = 0; i < n; i++) {
                o[oo + i] = compared(op, Long.compare(a[ao + i * as], b[bo + i * bs]));
            }
            return;
        }
        long[] o = (long[]) out;
        switch (op) {
            case ADD -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i * as] + b[bo + i * bs]; }
            case SUB -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i * as] - b[bo + i * bs]; }
            case MUL -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i * as] * b[bo + i * bs]; }
            case POW -> { for (int i = 0; i < n; i++) o[oo + i] = integerPower(a[ao + i * as], b[bo + i * bs]); }
            case MAXIMUM -> { for (int i = 0; i < n; i++) o[oo + i] = Math.max(a[ao + i * as], b[bo + i * bs]); }
            case MINIMUM -> { for (int i = 0; i < n; i++) o[oo + i] = Math.min(a[ao + i * as], b[bo + i * bs]); }
            default -> throw unsupported("binary", op, DType.INT64);
        }
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

    /** A comparison op's verdict from the sign of {@code compare(a, b)}; only for ordered (non-NaN) types. */
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

    // ---- where --------------------------------------------------------------------------------

    /** {@code out[oo + i] = cond ? a : b} for one broadcast row; arrays share one element type. */
    static void where(boolean[] c, int co, int cs, Object a, int ao, int as, Object b, int bo, int bs, Object out,
            int oo, int n) {
        switch (out) {
            case float[] o -> {
                float[] x = (float[]) a, y = (float[]) b;
                for (int i = 0; i < n; i++) o[oo + i] = c[co + i * cs] ? x[ao + i * as] : y[bo + i * bs];
            }
            case double[] o -> {
                double[] x = (double[]) a, y = (double[]) b;
                for (int i = 0; i < n; i++) o[oo + i] = c[co + i * cs] ? x[ao + i * as] : y[bo + i * bs];
            }
            case int[] o -> {
                int[] x = (int[]) a, y = (int[]) b;
                for (int i = 0; i < n; i++) o[oo + i] = c[co + i * cs] ? x[ao + i * as] : y[bo + i * bs];
            }
            case long[] o -> {
                long[] x = (long[]) a, y = (long[]) b;
                for (int i = 0; i < n; i++) o[oo + i] = c[co + i * cs] ? x[ao + i * as] : y[bo + i * bs];
            }
            case boolean[] o -> {
                boolean[] x = (boolean[]) a, y = (boolean[]) b;
                for (int i = 0; i < n; i++) o[oo + i] = c[co + i * cs] ? x[ao + i * as] : y[bo + i * bs];
            }
            default -> throw new IllegalStateException("not a storage array: " + out.getClass());
        }
    }
}
