package dev.adjoint.op;

import dev.adjoint.core.DType;
import dev.adjoint.core.TensorException;
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

    private final String opName;
    private final boolean floatingOnly;
    private final DoubleUnaryOperator definition;

    UnaryOp(String opName, boolean floatingOnly, DoubleUnaryOperator definition) {
        this.opName = opName;
        this.floatingOnly = floatingOnly;
        this.definition = definition;
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
