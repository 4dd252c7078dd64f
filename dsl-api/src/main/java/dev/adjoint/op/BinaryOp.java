package dev.adjoint.op;

import dev.adjoint.core.DType;
import java.util.function.DoubleBinaryOperator;

/**
 * Elementwise primitives of two broadcast operands. Operands reach a backend already converted to
 * one compute type; {@link Kind} decides the result type. A Java scalar operand takes the dtype
 * {@link WeakScalar} gives it first.
 */
public enum BinaryOp {
    ADD("add", Kind.ARITHMETIC, Double::sum),
    SUB("sub", Kind.ARITHMETIC, (a, b) -> a - b),
    MUL("mul", Kind.ARITHMETIC, (a, b) -> a * b),
    /** True division; integer operands are computed in {@code float32}. */
    DIV("div", Kind.ARITHMETIC, (a, b) -> a / b),
    /** {@code a} to the power {@code b}, with C's (and NumPy's) special values: see {@link #pow(double, double)}. */
    POW("pow", Kind.ARITHMETIC, BinaryOp::pow),
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

    /**
     * The derivatives {@code d out / d a} and {@code d out / d b} as formulas of {@code a}
     * ({@code input(0)}), {@code b} ({@code input(1)}) and {@code out}, beside the definitions; null
     * for comparisons and logical ops, which are not differentiable. Ties of {@code maximum} and
     * {@code minimum} split the adjoint evenly, as JAX and PyTorch do; a NaN operand gets none.
     */
    private static Pointwise[] derivativesOf(BinaryOp op) {
        Pointwise a = Pointwise.input(0);
        Pointwise b = Pointwise.input(1);
        Pointwise half = Pointwise.constant(0.5);
        return switch (op) {
            case ADD -> new Pointwise[] {Pointwise.constant(1), Pointwise.constant(1)};
            case SUB -> new Pointwise[] {Pointwise.constant(1), Pointwise.constant(-1)};
            case MUL -> new Pointwise[] {b, a};
            case DIV -> new Pointwise[] {Pointwise.constant(1).div(b), Pointwise.out().div(b).mul(-1)};
            case POW -> new Pointwise[] {b.mul(a.pow(b.sub(Pointwise.constant(1)))),
                    Pointwise.out().mul(a.apply(UnaryOp.LOG))};
            case MAXIMUM -> new Pointwise[] {a.gt(b).add(a.eq(b).mul(half)), b.gt(a).add(a.eq(b).mul(half))};
            case MINIMUM -> new Pointwise[] {a.lt(b).add(a.eq(b).mul(half)), b.lt(a).add(a.eq(b).mul(half))};
            case EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL, LOGICAL_AND, LOGICAL_OR,
                    LOGICAL_XOR -> null;
        };
    }

    private static final Pointwise[][] DERIVATIVES = new Pointwise[values().length][];

    static {
        for (BinaryOp op : values()) {
            DERIVATIVES[op.ordinal()] = derivativesOf(op);
        }
    }

    /** {@code d out / d a} ({@code operand} 0) or {@code d out / d b} (1), or null if not differentiable. */
    public Pointwise derivative(int operand) {
        Pointwise[] derivatives = DERIVATIVES[ordinal()];
        return derivatives == null ? null : derivatives[operand];
    }

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

    /**
     * The type both operands are converted to before the op runs, given operand types {@code a} and
     * {@code b}: their promotion, except that logical ops compute on {@code bool}, division on a
     * floating type, and arithmetic on {@code bool} in {@code int32}.
     */
    public DType computeType(DType a, DType b) {
        DType promoted = DType.promote(a, b);
        return switch (kind) {
            case LOGICAL -> DType.BOOL;
            case COMPARISON -> promoted;
            case ARITHMETIC -> this == DIV ? promoted.toFloating() : promoted == DType.BOOL ? DType.INT32 : promoted;
        };
    }

    /** The type of the result for operands computed in {@code compute}: itself, or {@code bool}. */
    public DType resultType(DType compute) {
        return kind == Kind.ARITHMETIC ? compute : DType.BOOL;
    }

    /**
     * {@link StrictMath#pow} with the values C99, and so NumPy's {@code np.power}, gives where Java's
     * differ: {@code pow(1, y)} is 1 for every {@code y}, NaN included, and {@code pow(-1, ±inf)} is 1.
     * Java gives NaN for those; everything else agrees. {@code StrictMath}'s, not {@code Math}'s, so that
     * a row's scalar tail has the bits of the CPU runtime's float64 vector lanes ({@code VectorPowF64}).
     */
    public static double pow(double base, double exponent) {
        if (base == 1.0 || base == -1.0 && Double.isInfinite(exponent)) {
            return 1.0;
        }
        return StrictMath.pow(base, exponent);
    }

    /** The op's value on one pair of float64 elements (1 and 0 for true and false). */
    public double apply(double a, double b) {
        return definition.applyAsDouble(a, b);
    }
}
