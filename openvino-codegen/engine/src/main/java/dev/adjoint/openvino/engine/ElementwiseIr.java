package dev.adjoint.openvino.engine;

import dev.adjoint.op.BinaryOp;
import dev.adjoint.op.UnaryOp;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The one table between the op table's elementwise ops and OpenVINO's: each {@link BinaryOp} is one IR op
 * (opset1, NumPy broadcasting), and each {@link UnaryOp} that OpenVINO has as one op is that op. The engine's
 * {@code OpTable} registers its kernels for these IR ops from this table (IR to Tensor op), and the IR emitter
 * of the export module maps Tensor ops to IR from it (Tensor op to IR), so the two directions cannot drift.
 *
 * <p>Unary ops without a one-op OpenVINO equivalent ({@code square}, {@code rsqrt}, {@code log1p},
 * {@code softplus}, and {@code gelu}, which is Gelu-7 with an attribute) are compositions, in the emitter.
 */
public final class ElementwiseIr {
    private ElementwiseIr() {
    }

    private static final Map<BinaryOp, String> BINARY = new EnumMap<>(BinaryOp.class);
    private static final Map<UnaryOp, String> UNARY = new EnumMap<>(UnaryOp.class);

    static {
        for (BinaryOp op : BinaryOp.values()) {
            BINARY.put(op, switch (op) {
                case ADD -> "Add";
                case SUB -> "Subtract";
                case MUL -> "Multiply";
                case DIV -> "Divide";
                case POW -> "Power";
                case MAXIMUM -> "Maximum";
                case MINIMUM -> "Minimum";
                case EQUAL -> "Equal";
                case NOT_EQUAL -> "NotEqual";
                case LESS -> "Less";
                case LESS_EQUAL -> "LessEqual";
                case GREATER -> "Greater";
                case GREATER_EQUAL -> "GreaterEqual";
                case LOGICAL_AND -> "LogicalAnd";
                case LOGICAL_OR -> "LogicalOr";
                case LOGICAL_XOR -> "LogicalXor";
            });
        }
        for (UnaryOp op : UnaryOp.values()) {
            String ir = switch (op) {
                case NEG -> "Negative";
                case ABS -> "Abs";
                case SIGN -> "Sign";
                case RELU -> "Relu";
                case EXP -> "Exp";
                case LOG -> "Log";
                case SQRT -> "Sqrt";
                case SIN -> "Sin";
                case COS -> "Cos";
                case TANH -> "Tanh";
                case SIGMOID -> "Sigmoid";
                case ERF -> "Erf";
                case LOGICAL_NOT -> "LogicalNot";
                case SQUARE, LOG1P, RSQRT, SOFTPLUS, GELU -> null;
            };
            if (ir != null) {
                UNARY.put(op, ir);
            }
        }
    }

    /**
     * The version of an elementwise IR op in the registry: 1 for the binary ops and LogicalNot (opset1's
     * {@code *-1} classes), 0 for the other unary ones (OpenVINO's {@code v0}).
     */
    public static int version(String irName) {
        return BINARY.containsValue(irName) || irName.equals("LogicalNot") ? 1 : 0;
    }

    /** The IR op (type name; see {@link #version}) computing {@code op}. */
    public static String irOf(BinaryOp op) {
        return BINARY.get(op);
    }

    /** The IR op computing {@code op} alone, if OpenVINO has one; empty for a composition. */
    public static Optional<String> irOf(UnaryOp op) {
        return Optional.ofNullable(UNARY.get(op));
    }

    /** Every binary op by its IR op name, in the enum's order. */
    public static Map<String, BinaryOp> binaryByIrName() {
        Map<String, BinaryOp> out = new LinkedHashMap<>();
        BINARY.forEach((op, name) -> out.put(name, op));
        return Collections.unmodifiableMap(out);
    }

    /** Every unary op with a one-op IR equivalent, by its IR op name. */
    public static Map<String, UnaryOp> unaryByIrName() {
        Map<String, UnaryOp> out = new LinkedHashMap<>();
        UNARY.forEach((op, name) -> out.put(name, op));
        return Collections.unmodifiableMap(out);
    }
}
