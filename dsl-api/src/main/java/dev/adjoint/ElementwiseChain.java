package dev.adjoint;

import dev.adjoint.core.DType;
import dev.adjoint.op.BinaryOp;
import dev.adjoint.op.ElementwiseChainSpec;
import dev.adjoint.op.UnaryOp;
import dev.adjoint.op.WeakScalar;
import dev.adjoint.core.TensorException;
import dev.adjoint.op.Op;
import dev.adjoint.spi.Operand;
import dev.adjoint.spi.Storage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A chain of elementwise ops on one tensor that runs as a single pass over memory when
 * {@link #evaluate() evaluated}: {@code x.chain().mul(2).add(b).tanh().evaluate()} computes
 * {@code tanh(2 * x + b)} the way numexpr's {@code ne.evaluate("tanh(2*x + b)")} does, instead of
 * streaming the whole array through memory once per op as {@code np.tanh(2 * x + b)} (and the
 * eager {@code x.mul(2).add(b).tanh()}) does.
 *
 * <p>Nothing runs until {@link #evaluate()}. Each method validates at the call, exactly as the
 * eager op of the same name, and throws the same {@link TensorException}; the evaluated result
 * equals the eager chain's in dtype and shape, and in value up to float rounding. A chain is an
 * immutable value: every method returns a new chain, so a prefix can be reused.
 *
 * <p>Tensor operands broadcast NumPy-style, including ones that widen the result (a row added to
 * a column). Java scalars are weakly typed by their Java type, as in the eager ops ({@link WeakScalar}). Each backend decides how much it fuses; backends without a fused kernel run the steps
 * one by one.
 */
public final class ElementwiseChain {
    private final Tensor input;
    private final ElementwiseChainSpec spec;
    /** The tensor operands in {@link ElementwiseChainSpec#operandShapes()} order, as given by the caller. */
    private final List<Tensor> operands;

    private ElementwiseChain(Tensor input, ElementwiseChainSpec spec, List<Tensor> operands) {
        this.input = input;
        this.spec = spec;
        this.operands = operands;
    }

    /** An empty chain over {@code input}; the same as {@code input.chain()}. */
    public static ElementwiseChain of(Tensor input) {
        Objects.requireNonNull(input, "input");
        return new ElementwiseChain(input, ElementwiseChainSpec.of(input.dtype(), input.shape()), List.of());
    }

    /** The typed description a backend receives. */
    public ElementwiseChainSpec spec() {
        return spec;
    }

    /**
     * Runs the chain and returns its result; with no steps, the input itself. The operands are
     * converted to each step's compute type first, as the eager ops would.
     */
    public Tensor evaluate() {
        if (spec.steps().isEmpty()) {
            return input;
        }
        List<Operand> inputs = new ArrayList<>(operands.size() + 1);
        inputs.add(new Operand(input.storage(), input.shape()));
        for (ElementwiseChainSpec.Step step : spec.steps()) {
            switch (step) {
                case ElementwiseChainSpec.OperandStep o -> inputs.add(operand(o.operand(), o.dtype()));
                case ElementwiseChainSpec.SelectStep w -> {
                    inputs.add(operand(w.whenTrue(), w.dtype()));
                    inputs.add(operand(w.whenFalse(), w.dtype()));
                }
                case ElementwiseChainSpec.UnaryStep u -> { }
                case ElementwiseChainSpec.ScalarStep s -> { }
            }
        }
        Op.Chain chain = new Op.Chain(spec);
        Storage result = input.backend().execute(chain, inputs, chain.infer(List.of()));
        return Tensor.fromStorage(result, spec.shape());
    }

    /** Tensor operand {@code index} converted to {@code dtype}, as the backend expects it. */
    private Operand operand(int index, DType dtype) {
        Tensor operand = operands.get(index).cast(dtype);
        return new Operand(operand.storage(), operand.shape());
    }

    // ---- generic steps ----------------------------------------------------------------------

    /** Appends {@code op}; the typed form of the named methods below. */
    public ElementwiseChain apply(UnaryOp op) {
        return new ElementwiseChain(input, spec.thenUnary(op), operands);
    }

    /** Appends {@code op(value, scalar)} for a floating scalar, weakly typed as {@link WeakScalar} describes. */
    public ElementwiseChain apply(BinaryOp op, double scalar) {
        return new ElementwiseChain(input, spec.thenScalar(op, WeakScalar.of(scalar)), operands);
    }

    /** Appends {@code op(value, scalar)} for an integer scalar, weakly typed as {@link WeakScalar} describes. */
    public ElementwiseChain apply(BinaryOp op, long scalar) {
        return new ElementwiseChain(input, spec.thenScalar(op, WeakScalar.of(scalar)), operands);
    }

    /** Appends {@code op(value, operand)}, broadcasting {@code operand} NumPy-style. */
    public ElementwiseChain apply(BinaryOp op, Tensor operand) {
        if (operand == null) {
            // Named as the eager op names it.
            throw new TensorException(op.opName(), "argument '" + (op == BinaryOp.POW ? "exponent" : "other")
                    + "' is null");
        }
        if (operand.backend() != input.backend()) {
            throw new TensorException(op.opName(), "operands are on different devices: " + input.device() + " and "
                    + operand.device() + " (move one with to(device))");
        }
        ElementwiseChainSpec next = spec.thenOperand(op, operand.dtype(), operand.shape());
        next.shape().requireFits(op.opName(), input.backend().maxElements(), input.device());
        List<Tensor> o = new ArrayList<>(operands);
        o.add(operand);
        return new ElementwiseChain(input, next, List.copyOf(o));
    }

    // ---- one operand --------------------------------------------------------------------------

    /** NumPy: {@code np.negative}. */
    public ElementwiseChain neg() {
        return apply(UnaryOp.NEG);
    }

    /** NumPy: {@code np.abs}. */
    public ElementwiseChain abs() {
        return apply(UnaryOp.ABS);
    }

    /** NumPy: {@code np.sign}. */
    public ElementwiseChain sign() {
        return apply(UnaryOp.SIGN);
    }

    /** NumPy: {@code np.exp}. */
    public ElementwiseChain exp() {
        return apply(UnaryOp.EXP);
    }

    /** NumPy: {@code np.log}. */
    public ElementwiseChain log() {
        return apply(UnaryOp.LOG);
    }

    /** NumPy: {@code np.log1p}. */
    public ElementwiseChain log1p() {
        return apply(UnaryOp.LOG1P);
    }

    /** NumPy: {@code np.sqrt}. */
    public ElementwiseChain sqrt() {
        return apply(UnaryOp.SQRT);
    }

    /** NumPy: {@code 1 / np.sqrt(x)}. */
    public ElementwiseChain rsqrt() {
        return apply(UnaryOp.RSQRT);
    }

    /** NumPy: {@code np.square}. */
    public ElementwiseChain square() {
        return apply(UnaryOp.SQUARE);
    }

    /** NumPy: {@code np.sin}. */
    public ElementwiseChain sin() {
        return apply(UnaryOp.SIN);
    }

    /** NumPy: {@code np.cos}. */
    public ElementwiseChain cos() {
        return apply(UnaryOp.COS);
    }

    /** NumPy: {@code np.tanh}. */
    public ElementwiseChain tanh() {
        return apply(UnaryOp.TANH);
    }

    /** SciPy: {@code scipy.special.expit}. */
    public ElementwiseChain sigmoid() {
        return apply(UnaryOp.SIGMOID);
    }

    /** NumPy: {@code np.maximum(x, 0)}. */
    public ElementwiseChain relu() {
        return apply(UnaryOp.RELU);
    }

    /** NumPy: {@code np.logaddexp(0, x)}. */
    public ElementwiseChain softplus() {
        return apply(UnaryOp.SOFTPLUS);
    }

    /** NumPy: {@code np.logical_not}. */
    public ElementwiseChain logicalNot() {
        return apply(UnaryOp.LOGICAL_NOT);
    }

    // ---- two operands -------------------------------------------------------------------------

    /** NumPy: {@code x + other}. */
    public ElementwiseChain add(Tensor other) {
        return apply(BinaryOp.ADD, other);
    }

    /** NumPy: {@code x + value}. */
    public ElementwiseChain add(double value) {
        return apply(BinaryOp.ADD, value);
    }

    public ElementwiseChain add(long value) {
        return apply(BinaryOp.ADD, value);
    }

    /** NumPy: {@code x - other}. */
    public ElementwiseChain sub(Tensor other) {
        return apply(BinaryOp.SUB, other);
    }

    /** NumPy: {@code x - value}. */
    public ElementwiseChain sub(double value) {
        return apply(BinaryOp.SUB, value);
    }

    public ElementwiseChain sub(long value) {
        return apply(BinaryOp.SUB, value);
    }

    /** NumPy: {@code x * other}. */
    public ElementwiseChain mul(Tensor other) {
        return apply(BinaryOp.MUL, other);
    }

    /** NumPy: {@code x * value}. */
    public ElementwiseChain mul(double value) {
        return apply(BinaryOp.MUL, value);
    }

    public ElementwiseChain mul(long value) {
        return apply(BinaryOp.MUL, value);
    }

    /** True division. NumPy: {@code x / other}. */
    public ElementwiseChain div(Tensor other) {
        return apply(BinaryOp.DIV, other);
    }

    /** NumPy: {@code x / value}. */
    public ElementwiseChain div(double value) {
        return apply(BinaryOp.DIV, value);
    }

    public ElementwiseChain div(long value) {
        return apply(BinaryOp.DIV, value);
    }

    /** NumPy: {@code np.power(x, exponent)}. */
    public ElementwiseChain pow(Tensor exponent) {
        return apply(BinaryOp.POW, exponent);
    }

    /** NumPy: {@code np.power(x, exponent)}. */
    public ElementwiseChain pow(double exponent) {
        return apply(BinaryOp.POW, exponent);
    }

    public ElementwiseChain pow(long exponent) {
        return apply(BinaryOp.POW, exponent);
    }

    /** NumPy: {@code np.maximum(x, other)}. */
    public ElementwiseChain maximum(Tensor other) {
        return apply(BinaryOp.MAXIMUM, other);
    }

    /** NumPy: {@code np.maximum(x, value)}. */
    public ElementwiseChain maximum(double value) {
        return apply(BinaryOp.MAXIMUM, value);
    }

    public ElementwiseChain maximum(long value) {
        return apply(BinaryOp.MAXIMUM, value);
    }

    /** NumPy: {@code np.minimum(x, other)}. */
    public ElementwiseChain minimum(Tensor other) {
        return apply(BinaryOp.MINIMUM, other);
    }

    /** NumPy: {@code np.minimum(x, value)}. */
    public ElementwiseChain minimum(double value) {
        return apply(BinaryOp.MINIMUM, value);
    }

    public ElementwiseChain minimum(long value) {
        return apply(BinaryOp.MINIMUM, value);
    }

    /** NumPy: {@code np.clip(x, low, high)}. */
    public ElementwiseChain clip(double low, double high) {
        return clip(WeakScalar.of(low), WeakScalar.of(high), low > high);
    }

    /** As {@link #clip(double, double)} with integer bounds, which keep an integer value's dtype. */
    public ElementwiseChain clip(long low, long high) {
        return clip(WeakScalar.of(low), WeakScalar.of(high), low > high);
    }

    /** Checked as the eager {@code clip} is: bounds in order and fitting the running dtype. */
    private ElementwiseChain clip(WeakScalar low, WeakScalar high, boolean reversed) {
        if (reversed) {
            throw new TensorException("clip", "low " + low + " is greater than high " + high);
        }
        low.checkFits("clip", low.typeBeside(spec.dtype()));
        high.checkFits("clip", high.typeBeside(spec.dtype()));
        ElementwiseChainSpec clipped = spec.thenScalar(BinaryOp.MAXIMUM, low).thenScalar(BinaryOp.MINIMUM, high);
        return new ElementwiseChain(input, clipped, operands);
    }

    /** {@code bool} result. NumPy: {@code x == other}. */
    public ElementwiseChain eq(Tensor other) {
        return apply(BinaryOp.EQUAL, other);
    }

    /** NumPy: {@code x == value}. */
    public ElementwiseChain eq(double value) {
        return apply(BinaryOp.EQUAL, value);
    }

    public ElementwiseChain eq(long value) {
        return apply(BinaryOp.EQUAL, value);
    }

    /** NumPy: {@code x != other}. */
    public ElementwiseChain ne(Tensor other) {
        return apply(BinaryOp.NOT_EQUAL, other);
    }

    /** NumPy: {@code x != value}. */
    public ElementwiseChain ne(double value) {
        return apply(BinaryOp.NOT_EQUAL, value);
    }

    public ElementwiseChain ne(long value) {
        return apply(BinaryOp.NOT_EQUAL, value);
    }

    /** NumPy: {@code x < other}. */
    public ElementwiseChain lt(Tensor other) {
        return apply(BinaryOp.LESS, other);
    }

    /** NumPy: {@code x < value}. */
    public ElementwiseChain lt(double value) {
        return apply(BinaryOp.LESS, value);
    }

    public ElementwiseChain lt(long value) {
        return apply(BinaryOp.LESS, value);
    }

    /** NumPy: {@code x <= other}. */
    public ElementwiseChain le(Tensor other) {
        return apply(BinaryOp.LESS_EQUAL, other);
    }

    /** NumPy: {@code x <= value}. */
    public ElementwiseChain le(double value) {
        return apply(BinaryOp.LESS_EQUAL, value);
    }

    public ElementwiseChain le(long value) {
        return apply(BinaryOp.LESS_EQUAL, value);
    }

    /** NumPy: {@code x > other}. */
    public ElementwiseChain gt(Tensor other) {
        return apply(BinaryOp.GREATER, other);
    }

    /** NumPy: {@code x > value}. */
    public ElementwiseChain gt(double value) {
        return apply(BinaryOp.GREATER, value);
    }

    public ElementwiseChain gt(long value) {
        return apply(BinaryOp.GREATER, value);
    }

    /** NumPy: {@code x >= other}. */
    public ElementwiseChain ge(Tensor other) {
        return apply(BinaryOp.GREATER_EQUAL, other);
    }

    /** NumPy: {@code x >= value}. */
    public ElementwiseChain ge(double value) {
        return apply(BinaryOp.GREATER_EQUAL, value);
    }

    public ElementwiseChain ge(long value) {
        return apply(BinaryOp.GREATER_EQUAL, value);
    }

    /** NumPy: {@code np.logical_and(x, other)}. */
    public ElementwiseChain logicalAnd(Tensor other) {
        return apply(BinaryOp.LOGICAL_AND, other);
    }

    /** NumPy: {@code np.logical_or(x, other)}. */
    public ElementwiseChain logicalOr(Tensor other) {
        return apply(BinaryOp.LOGICAL_OR, other);
    }

    /** NumPy: {@code np.logical_xor(x, other)}. */
    public ElementwiseChain logicalXor(Tensor other) {
        return apply(BinaryOp.LOGICAL_XOR, other);
    }

    // ---- selection ----------------------------------------------------------------------------

    /**
     * {@code value ? a : b} on a {@code bool} value, both branches broadcast NumPy-style:
     * {@code x.chain().gt(0).where(g, 0.0)} is {@code Tensor.where(x.gt(0), g, 0.0)} without the
     * mask ever being stored. numexpr: {@code where(x > 0, g, 0)}; NumPy: {@code np.where}.
     */
    public ElementwiseChain where(Tensor a, Tensor b) {
        return select(Tensor.argument("where", "a", a), Tensor.argument("where", "b", b));
    }

    /** {@code value ? a : b} with a floating scalar {@code b}, weakly typed beside {@code a}. */
    public ElementwiseChain where(Tensor a, double b) {
        return select(a, Tensor.whereScalar(Tensor.argument("where", "a", a), WeakScalar.of(b)));
    }

    /** {@code value ? a : b} with an integer scalar {@code b}, weakly typed beside {@code a}. */
    public ElementwiseChain where(Tensor a, long b) {
        return select(a, Tensor.whereScalar(Tensor.argument("where", "a", a), WeakScalar.of(b)));
    }

    /** {@code value ? a : b} with a floating scalar {@code a}, weakly typed beside {@code b}. */
    public ElementwiseChain where(double a, Tensor b) {
        return select(Tensor.whereScalar(Tensor.argument("where", "b", b), WeakScalar.of(a)), b);
    }

    /** {@code value ? a : b} with an integer scalar {@code a}, weakly typed beside {@code b}. */
    public ElementwiseChain where(long a, Tensor b) {
        return select(Tensor.whereScalar(Tensor.argument("where", "b", b), WeakScalar.of(a)), b);
    }

    private ElementwiseChain select(Tensor a, Tensor b) {
        for (Tensor branch : List.of(a, b)) {
            if (branch.backend() != input.backend()) {
                throw new TensorException("where", "operands are on different devices: " + input.device() + " and "
                        + branch.device() + " (move one with to(device))");
            }
        }
        ElementwiseChainSpec next = spec.thenSelect(a.dtype(), a.shape(), b.dtype(), b.shape());
        next.shape().requireFits("where", input.backend().maxElements(), input.device());
        List<Tensor> o = new ArrayList<>(operands);
        o.add(a);
        o.add(b);
        return new ElementwiseChain(input, next, List.copyOf(o));
    }

    @Override
    public String toString() {
        return "ElementwiseChain[" + spec + "]";
    }
}
