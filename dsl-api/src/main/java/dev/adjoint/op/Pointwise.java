package dev.adjoint.op;

import java.util.Objects;

/**
 * A formula evaluated element by element over an op's inputs and output: how an elementwise op
 * states its derivative in its own definition ({@link UnaryOp#derivative()}: {@code tanh}'s is
 * {@code 1 - out²}), in the op table's own vocabulary, so no rule elsewhere restates it. The
 * derivative rules evaluate it on tensors ({@code dev.adjoint.rules.TensorRules}).
 */
public sealed interface Pointwise {

    /** Input {@code index} of the op ({@code x}, or {@code a} and {@code b}). */
    record Input(int index) implements Pointwise {
    }

    /** The op's output. */
    record Output() implements Pointwise {
    }

    record Constant(double value) implements Pointwise {
    }

    record Unary(UnaryOp op, Pointwise x) implements Pointwise {
        public Unary {
            Objects.requireNonNull(op, "op");
            Objects.requireNonNull(x, "x");
        }
    }

    /** {@code op(a, b)}; a comparison gives 1 or 0. */
    record Binary(BinaryOp op, Pointwise a, Pointwise b) implements Pointwise {
        public Binary {
            Objects.requireNonNull(op, "op");
            Objects.requireNonNull(a, "a");
            Objects.requireNonNull(b, "b");
        }
    }

    /**
     * {@code condition ? whenTrue : whenFalse}: a derivative that is one expression on one side of a
     * kink and another beyond it ({@code relu}'s is 1 where {@code x > 0}, else 0). A rule applies
     * it by selecting, so an infinite or NaN adjoint on the zero side does not leak through.
     */
    record Select(Pointwise condition, Pointwise whenTrue, Pointwise whenFalse) implements Pointwise {
    }

    /** The op's (first) input, {@code x}. */
    static Pointwise x() {
        return new Input(0);
    }

    /** Input {@code index}. */
    static Pointwise input(int index) {
        return new Input(index);
    }

    static Pointwise out() {
        return new Output();
    }

    static Pointwise constant(double value) {
        return new Constant(value);
    }

    default Pointwise add(Pointwise other) {
        return new Binary(BinaryOp.ADD, this, other);
    }

    default Pointwise add(double value) {
        return add(constant(value));
    }

    default Pointwise sub(Pointwise other) {
        return new Binary(BinaryOp.SUB, this, other);
    }

    default Pointwise mul(Pointwise other) {
        return new Binary(BinaryOp.MUL, this, other);
    }

    default Pointwise mul(double value) {
        return mul(constant(value));
    }

    default Pointwise div(Pointwise other) {
        return new Binary(BinaryOp.DIV, this, other);
    }

    default Pointwise pow(Pointwise exponent) {
        return new Binary(BinaryOp.POW, this, exponent);
    }

    static Pointwise select(Pointwise condition, Pointwise whenTrue, Pointwise whenFalse) {
        return new Select(condition, whenTrue, whenFalse);
    }

    default Pointwise lt(Pointwise other) {
        return new Binary(BinaryOp.LESS, this, other);
    }

    default Pointwise gt(Pointwise other) {
        return new Binary(BinaryOp.GREATER, this, other);
    }

    default Pointwise eq(Pointwise other) {
        return new Binary(BinaryOp.EQUAL, this, other);
    }

    default Pointwise apply(UnaryOp op) {
        return new Unary(op, this);
    }

    /** The value on one set of float64 elements: for tests and for backends without tensor rules. */
    default double evaluate(double[] inputs, double output) {
        return switch (this) {
            case Input(int index) -> inputs[index];
            case Output() -> output;
            case Constant(double value) -> value;
            case Unary(UnaryOp op, Pointwise x) -> op.apply(x.evaluate(inputs, output));
            case Binary(BinaryOp op, Pointwise a, Pointwise b) -> op.apply(a.evaluate(inputs, output),
                    b.evaluate(inputs, output));
            case Select(Pointwise condition, Pointwise whenTrue, Pointwise whenFalse) ->
                    condition.evaluate(inputs, output) != 0 ? whenTrue.evaluate(inputs, output)
                            : whenFalse.evaluate(inputs, output);
        };
    }
}
