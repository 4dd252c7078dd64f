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
            case LOGICAL_NOT -> null;
        };
    }

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
}
