package dev.adjoint.op;

import dev.adjoint.core.DType;
import dev.adjoint.core.TensorException;
import static dev.adjoint.op.Pointwise.constant;
import static dev.adjoint.op.Pointwise.out;
import static dev.adjoint.op.Pointwise.select;
import static dev.adjoint.op.Pointwise.x;

import java.util.function.DoubleUnaryOperator;

/**
 * Elementwise primitives of one operand. Each constant is the single place its semantics live: the
 * user-facing name, whether it needs a floating input (integer inputs are promoted to
 * {@code float32}, as in PyTorch), and a scalar definition in float64 that documents the value.
 * Backends implement the kernels; derivative rules attach here too.
 */
public enum UnaryOp {
    NEG("neg", false, x -> -x),
    ABS("abs", false, Math::abs),
    SIGN("sign", false, Math::signum),
    SQUARE("square", false, x -> x * x),
    /** {@code max(x, 0)}; NaN stays NaN, as {@code np.maximum(x, 0)} gives. */
    RELU("relu", false, x -> x <= 0 ? 0.0 : x),
    EXP("exp", true, Math::exp),
    LOG("log", true, Math::log),
    LOG1P("log1p", true, Math::log1p),
    SQRT("sqrt", true, Math::sqrt),
    RSQRT("rsqrt", true, x -> 1.0 / Math.sqrt(x)),
    SIN("sin", true, Math::sin),
    COS("cos", true, Math::cos),
    TANH("tanh", true, Math::tanh),
    SIGMOID("sigmoid", true, x -> 1.0 / (1.0 + Math.exp(-x))),
    /** {@code log(1 + exp(x))}, computed without overflow for large {@code x}. */
    SOFTPLUS("softplus", true, x -> Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x)))),
    /** The error function {@code 2/sqrt(pi) * integral_0^x exp(-t^2) dt}: {@code scipy.special.erf}, OpenVINO Erf-1. */
    ERF("erf", true, UnaryOp::erf),
    /**
     * The exact GELU {@code x * Phi(x) = x/2 * (1 + erf(x/sqrt 2))}: PyTorch's default
     * {@code gelu}, OpenVINO Gelu-7 with {@code approximation_mode="ERF"}. Unlike those, which give
     * NaN at {@code -inf}, it gives the limit {@code -0}.
     */
    GELU("gelu", true, UnaryOp::gelu),
    /** Logical negation; defined on {@code bool} only. */
    LOGICAL_NOT("logicalNot", false, x -> x == 0 ? 1.0 : 0.0);

    /**
     * Each op's derivative {@code d out / d x}, as a formula of {@code x} and {@code out}: the rule
     * multiplies it by the output's adjoint. Beside the definitions above; a switch without a
     * default, so a new op without one does not compile.
     */
    private static Pointwise derivativeOf(UnaryOp op) {
        return switch (op) {
            case NEG -> constant(-1);
            // sign(x): 0 at the kink, NaN at NaN.
            case ABS -> x().apply(SIGN);
            // Piecewise constant.
            case SIGN -> constant(0);
            case SQUARE -> x().mul(2);
            // The adjoint passes where x > 0 and nowhere else, whatever its value.
            case RELU -> select(x().gt(constant(0)), constant(1), constant(0));
            case EXP -> out();
            case LOG -> constant(1).div(x());
            case LOG1P -> constant(1).div(x().add(1));
            case SQRT -> constant(0.5).div(out());
            // d x^(-1/2) = -1/2 x^(-3/2) = -1/2 out / x.
            case RSQRT -> out().div(x()).mul(-0.5);
            case SIN -> x().apply(COS);
            case COS -> x().apply(SIN).mul(-1);
            case TANH -> constant(1).sub(out().mul(out()));
            case SIGMOID -> out().mul(constant(1).sub(out()));
            case SOFTPLUS -> x().apply(SIGMOID);
            // 2/sqrt(pi) exp(-x^2)
            case ERF -> x().mul(x()).mul(-1).apply(EXP).mul(2 / Math.sqrt(Math.PI));
            // Phi(x) + x phi(x) = (1 + erf(x/sqrt 2))/2 + x exp(-x^2/2)/sqrt(2 pi)
            case GELU -> x().mul(SQRT_HALF).apply(ERF).add(1).mul(0.5)
                    .add(x().mul(x().mul(x()).mul(-0.5).apply(EXP)).mul(1 / Math.sqrt(2 * Math.PI)));
            case LOGICAL_NOT -> null;
        };
    }

    private static final double SQRT_HALF = Math.sqrt(0.5);

    private static final Pointwise[] DERIVATIVES = new Pointwise[values().length];

    static {
        for (UnaryOp op : values()) {
            DERIVATIVES[op.ordinal()] = derivativeOf(op);
        }
    }

    private final String opName;
    private final boolean floatingOnly;
    private final DoubleUnaryOperator definition;

    UnaryOp(String opName, boolean floatingOnly, DoubleUnaryOperator definition) {
        this.opName = opName;
        this.floatingOnly = floatingOnly;
        this.definition = definition;
    }

    /**
     * {@code d out / d x} as a formula of {@code x} ({@link Pointwise#x()}) and the output
     * ({@link Pointwise#out()}); the rule multiplies it by the output's adjoint. Null for an op
     * that is not differentiable.
     */
    public Pointwise derivative() {
        return DERIVATIVES[ordinal()];
    }

    /** The name used in error messages and documentation, e.g. {@code "exp"}. */
    public String opName() {
        return opName;
    }

    /** True when integer inputs are promoted to {@code float32} before the op runs. */
    public boolean floatingOnly() {
        return floatingOnly;
    }

    /**
     * The type the operand is converted to before the op runs, which is also the result type:
     * {@code bool} for {@code LOGICAL_NOT}, the floating version of {@code input} for ops that need
     * one, else {@code input} itself.
     *
     * @throws TensorException if a numeric op is given {@code bool}
     */
    public DType computeType(DType input) {
        if (this == LOGICAL_NOT) {
            return DType.BOOL;
        }
        if (input == DType.BOOL) {
            throw new TensorException(opName, "not defined for dtype bool (cast it to a number first)");
        }
        return floatingOnly ? input.toFloating() : input;
    }

    /** The op's value on one float64 element: its definition, not a fast path. */
    public double apply(double x) {
        return definition.applyAsDouble(x);
    }

    /**
     * The error function in float64, to a few ulps: the Taylor series with positive terms
     * {@code 2/sqrt(pi) exp(-x^2) sum 2^n x^(2n+1) / (2n+1)!!} below 3, {@code 1 - erfc} above.
     */
    public static double erf(double x) {
        double a = Math.abs(x);
        if (Double.isNaN(x) || a >= 6) {
            // erfc(6) < 2e-17: erf is +-1 to double precision.
            return Double.isNaN(x) ? x : Math.copySign(1, x);
        }
        if (a >= 3) {
            return Math.copySign(1 - erfc(a), x);
        }
        double x2 = x * x;
        double term = x;
        double sum = x;
        for (int n = 1; Math.abs(term) > Math.abs(sum) * 1e-17; n++) {
            term *= 2 * x2 / (2 * n + 1);
            sum += term;
        }
        return 2 / Math.sqrt(Math.PI) * expMinusSquare(x) * sum;
    }

    /** {@code x Phi(x)}; for {@code x < 0} as {@code x/2 erfc(-x/sqrt 2)}, which keeps its relative accuracy. */
    private static double gelu(double x) {
        if (x == Double.NEGATIVE_INFINITY) {
            return -0.0;
        }
        return x < 0 ? 0.5 * x * erfc(-x * SQRT_HALF) : 0.5 * x * (1 + erf(x * SQRT_HALF));
    }

    /**
     * {@code 1 - erf(x)} without the cancellation: {@code 1 - erf} below 1, where it loses less
     * than a digit, and above it the continued fraction
     * {@code exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))} (modified Lentz; under
     * 200 terms at 1, 60 at 2).
     */
    private static double erfc(double x) {
        if (Double.isNaN(x) || x < 1) {
            return 1 - erf(x);
        }
        double tiny = 1e-300;
        double f = x;
        double c = x;
        double d = 0;
        for (int n = 1; n < 500; n++) {
            d = 1 / nonZero(x + n / 2.0 * d, tiny);
            c = nonZero(x + n / 2.0 / c, tiny);
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) {
                break;
            }
        }
        return expMinusSquare(x) / Math.sqrt(Math.PI) / f;
    }

    /**
     * {@code exp(-x^2)} without the rounding of {@code x^2}, which {@code exp} would magnify by
     * {@code x^2}: with {@code x = hi + lo}, {@code hi} a float so that {@code hi^2} is exact,
     * {@code x^2 = hi^2 + (x - hi)(x + hi)}.
     */
    private static double expMinusSquare(double x) {
        if (Math.abs(x) > 28) {
            // exp(-784) is below the smallest double; and (x - hi)(x + hi) could overflow.
            return 0;
        }
        double hi = (float) x;
        return Math.exp(-hi * hi) * Math.exp(-(x - hi) * (x + hi));
    }

    private static double nonZero(double value, double tiny) {
        return value == 0 ? tiny : value;
    }
}
