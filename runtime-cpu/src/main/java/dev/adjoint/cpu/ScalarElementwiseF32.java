package dev.adjoint.cpu;

import dev.adjoint.core.DType;
import dev.adjoint.op.BinaryOp;
import dev.adjoint.op.UnaryOp;

//autocode:variants float64,int32,int64 (generated from this file at build time: docs/design.md)
/**
 * The scalar reference kernels of the elementwise family for float32, one plain loop per op so the
 * JIT sees a constant operation in every loop. They compute the tails the vector kernels leave,
 * and C2 unrolls them where there is no vector kernel.
 *
 * <p>Binary kernels take each operand as (array, offset, stride) with a stride of 1 (contiguous)
 * or 0 (one element repeated), which is all a {@link Broadcast} row needs.
 */
final class ScalarElementwiseF32 {
    private static final DType DTYPE = DType.FLOAT32;

    private ScalarElementwiseF32() {
    }

    static void unary(UnaryOp op, float[] x, float[] out, int from, int to) {
        switch (op) {
            case NEG -> { for (int i = from; i < to; i++) out[i] = -x[i]; }
            case ABS -> { for (int i = from; i < to; i++) out[i] = Math.abs(x[i]); }
            //autocode:replace int32 case SIGN -> { for (int i = from; i < to; i++) out[i] = Integer.signum(x[i]); }
            //autocode:replace int64 case SIGN -> { for (int i = from; i < to; i++) out[i] = Long.signum(x[i]); }
            case SIGN -> { for (int i = from; i < to; i++) out[i] = Math.signum(x[i]); }
            case SQUARE -> { for (int i = from; i < to; i++) out[i] = x[i] * x[i]; }
            // Math.max keeps NaN and maps -0 to 0, as np.maximum(x, 0) does, without a branch.
            //autocode:replace integer case RELU -> { for (int i = from; i < to; i++) out[i] = Math.max(x[i], 0); }
            case RELU -> { for (int i = from; i < to; i++) out[i] = Math.max(x[i], 0f); }
            //autocode:omit-begin integer (these ops take floating tensors only)
            case EXP -> { for (int i = from; i < to; i++) out[i] = (float) Math.exp(x[i]); }
            case LOG -> { for (int i = from; i < to; i++) out[i] = (float) Math.log(x[i]); }
            case LOG1P -> { for (int i = from; i < to; i++) out[i] = (float) Math.log1p(x[i]); }
            case SQRT -> { for (int i = from; i < to; i++) out[i] = (float) Math.sqrt(x[i]); }
            case RSQRT -> { for (int i = from; i < to; i++) out[i] = (float) (1.0 / Math.sqrt(x[i])); }
            case SIN -> { for (int i = from; i < to; i++) out[i] = (float) Math.sin(x[i]); }
            case COS -> { for (int i = from; i < to; i++) out[i] = (float) Math.cos(x[i]); }
            case TANH -> { for (int i = from; i < to; i++) out[i] = (float) Math.tanh(x[i]); }
            case SIGMOID -> { for (int i = from; i < to; i++) out[i] = (float) ScalarElementwise.sigmoid(x[i]); }
            case SOFTPLUS -> { for (int i = from; i < to; i++) out[i] = (float) ScalarElementwise.softplus(x[i]); }
            //autocode:omit-end
            // Any other op runs its float64 definition: exact to float32 rounding, and no scalar loop
            // to write for a new op whose speed comes from its vector kernel. Integers never get here
            // (floating-only ops promote them first).
            //autocode:replace integer default -> throw ScalarElementwise.unsupported("unary", op, DTYPE);
            default -> { for (int i = from; i < to; i++) out[i] = (float) op.apply(x[i]); }
        }
    }

    /**
     * {@code op} on one broadcast row; the output is {@code float[]} for arithmetic and
     * {@code boolean[]} for comparisons.
     */
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
                default -> throw ScalarElementwise.unsupported("binary", op, DTYPE);
            }
            return;
        }
        float[] o = (float[]) out;
        if (as == 1 && bs == 1 && contiguous(op, a, ao, b, bo, o, oo, n)
                || as == 1 && bs == 0 && withScalar(op, a, ao, b[bo], o, oo, n)) {
            return;
        }
        switch (op) {
            case ADD -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i * as] + b[bo + i * bs]; }
            case SUB -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i * as] - b[bo + i * bs]; }
            case MUL -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i * as] * b[bo + i * bs]; }
            //autocode:omit integer (div of integers computes in float32: no integer kernel)
            case DIV -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i * as] / b[bo + i * bs]; }
            //autocode:replace int32 case POW -> { for (int i = 0; i < n; i++) o[oo + i] = (int) ScalarElementwise.integerPower(a[ao + i * as], b[bo + i * bs]); }
            //autocode:replace int64 case POW -> { for (int i = 0; i < n; i++) o[oo + i] = ScalarElementwise.integerPower(a[ao + i * as], b[bo + i * bs]); }
            case POW -> { for (int i = 0; i < n; i++) o[oo + i] = (float) BinaryOp.pow(a[ao + i * as], b[bo + i * bs]); }
            case MAXIMUM -> { for (int i = 0; i < n; i++) o[oo + i] = Math.max(a[ao + i * as], b[bo + i * bs]); }
            case MINIMUM -> { for (int i = 0; i < n; i++) o[oo + i] = Math.min(a[ao + i * as], b[bo + i * bs]); }
            default -> throw ScalarElementwise.unsupported("binary", op, DTYPE);
        }
    }

    /*
     * The common arithmetic ops over unit strides, and with a scalar right operand: loops without the
     * stride multiplies, which C2 may also compile to SIMD code; they return false for the other ops,
     * which take the strided loops above.
     */

    private static boolean contiguous(BinaryOp op, float[] a, int ao, float[] b, int bo, float[] o, int oo, int n) {
        switch (op) {
            case ADD -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] + b[bo + i]; }
            case SUB -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] - b[bo + i]; }
            case MUL -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] * b[bo + i]; }
            //autocode:omit integer (div of integers computes in float32: no integer kernel)
            case DIV -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] / b[bo + i]; }
            case MAXIMUM -> { for (int i = 0; i < n; i++) o[oo + i] = Math.max(a[ao + i], b[bo + i]); }
            case MINIMUM -> { for (int i = 0; i < n; i++) o[oo + i] = Math.min(a[ao + i], b[bo + i]); }
            default -> { return false; }
        }
        return true;
    }

    private static boolean withScalar(BinaryOp op, float[] a, int ao, float y, float[] o, int oo, int n) {
        switch (op) {
            case ADD -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] + y; }
            case SUB -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] - y; }
            case MUL -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] * y; }
            //autocode:omit integer (div of integers computes in float32: no integer kernel)
            case DIV -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] / y; }
            case MAXIMUM -> { for (int i = 0; i < n; i++) o[oo + i] = Math.max(a[ao + i], y); }
            case MINIMUM -> { for (int i = 0; i < n; i++) o[oo + i] = Math.min(a[ao + i], y); }
            default -> { return false; }
        }
        return true;
    }

    /** {@code out[oo + i] = c ? a : b} for one broadcast row. */
    static void where(boolean[] c, int co, int cs, float[] a, int ao, int as, float[] b, int bo, int bs, float[] out,
            int oo, int n) {
        for (int i = 0; i < n; i++) out[oo + i] = c[co + i * cs] ? a[ao + i * as] : b[bo + i * bs];
    }
}
