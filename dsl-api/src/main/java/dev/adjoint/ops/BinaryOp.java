package dev.adjoint.ops;

import java.util.function.DoubleBinaryOperator;

/**
 * Elementwise primitives of two broadcast operands. Operands reach a backend already converted to
 * one compute type; {@link Kind} decides the result type.
 */
public enum BinaryOp {
    ADD("add", Kind.ARITHMETIC, Double::sum),
    SUB("sub", Kind.ARITHMETIC, (a, b) -> a - b),
    MUL("mul", Kind.ARITHMETIC, (a, b) -> a * b),
    /** True division; integer operands are computed in {@code float32}. */
    DIV("div", Kind.ARITHMETIC, (a, b) -> a / b),
    POW("pow", Kind.ARITHMETIC, Math::pow),
    MAXIMUM("maximum", Kind.ARITHMETIC, Math::max),
    MINIMUM("minimum", Kind.ARITHMETIC, Math::min),
    EQUAL("eq", Kind.COMPARISON, (a, b) -> a == b ? 1 : 0),
    NOT_EQUAL("ne", Kind.COMPARISON, (a, b) -> a != b ? 1 : 0),
    LESS("lt", Kind.COMPARISON, (a, b) -> a < b ? 1 : 0),
    LESS_EQUAL("le", Kind.COMPARISON, (a, b) -> a <= b ? 1 : 0),
    GREATER("gt", Kind.COMPARISON, (a, b) -> a > b ? 1 : 0),
    GREATER_EQUAL("ge", Kind.COMPARISON, (a, b) -> a >= b ? 1 : 0),
    LOGICAL_AND("logicalAnd", Kind.LOGICAL, (a, b) -> a != 0 && b != 0 ? 1 : 0),
    LOGICAL_OR("logicalOr", Kind.LOGICAL, (a, b) -> a != 0 || b != 0 ? 1 : 0),
    LOGICAL_XOR("logicalXor", Kind.LOGICAL, (a, b) -> (a != 0) != (b != 0) ? 1 : 0);

    /** How an op types its result. */
    public enum Kind {
        /** Computes in the promoted type and returns it. */
        ARITHMETIC,
        /** Computes in the promoted type and returns {@code bool}. */
        COMPARISON,
        /** Converts both operands to {@code bool} and returns {@code bool}. */
        LOGICAL
    }

    private final String opName;
    private final Kind kind;
    private final DoubleBinaryOperator definition;

    BinaryOp(String opName, Kind kind, DoubleBinaryOperator definition) {
        this.opName = opName;
        this.kind = kind;
        this.definition = definition;
    }

    public String opName() {
        return opName;
    }

    public Kind kind() {
        return kind;
    }

    /** The op's value on one pair of float64 elements (1 and 0 for true and false). */
    public double apply(double a, double b) {
        return definition.applyAsDouble(a, b);
    }
}
