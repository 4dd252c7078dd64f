package dev.adjoint.op;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a backend receives for a fused elementwise chain: the input's type and shape and the steps
 * to apply, in order, each already typed. It holds no data; the input and operand storages come
 * with it (see {@link dev.adjoint.spi.Backend#elementwiseChain}). Users build chains through
 * {@link ElementwiseChain}; this class is the part backends and engines read.
 *
 * <p>Every {@code then...} method returns a new spec and validates exactly as the eager op of the
 * same name does — dtype promotion, the weak-scalar rule of {@link WeakScalar}, NumPy broadcasting — so
 * a chain's result has the same dtype and shape as running its ops one by one.
 */
public final class ElementwiseChainSpec {

    /** One step of a chain. {@link #dtype()} is the type the running value is converted to first. */
    public sealed interface Step permits UnaryStep, ScalarStep, OperandStep, SelectStep {
        /** The compute type: the running value, and any operand, are in this type when the op runs. */
        DType dtype();

        /** The type of the step's result: {@link #dtype()}, or {@code bool} for comparisons and logical ops. */
        DType resultType();
    }

    /** {@code op(value)}. */
    public record UnaryStep(UnaryOp op, DType dtype) implements Step {
        public UnaryStep {
            Objects.requireNonNull(op, "op");
            Objects.requireNonNull(dtype, "dtype");
        }

        @Override
        public DType resultType() {
            return dtype;
        }
    }

    /**
     * {@code op(value, scalar)} with the Java scalar converted to {@link #dtype()}; a backend gets it
     * as a one-element array from {@code scalar().toArray(dtype())}, exact for {@code int64}.
     */
    public record ScalarStep(BinaryOp op, WeakScalar scalar, DType dtype) implements Step {
        public ScalarStep {
            Objects.requireNonNull(op, "op");
            Objects.requireNonNull(scalar, "scalar");
            Objects.requireNonNull(dtype, "dtype");
        }

        @Override
        public DType resultType() {
            return op.resultType(dtype);
        }
    }

    /**
     * {@code op(value, operands[operand])}: the operand storage of {@code operandShape} and type
     * {@link #dtype()} broadcasts with the running value to {@code resultShape}.
     */
    public record OperandStep(BinaryOp op, int operand, Shape operandShape, Shape resultShape, DType dtype)
            implements Step {
        public OperandStep {
            Objects.requireNonNull(op, "op");
            Objects.requireNonNull(operandShape, "operandShape");
            Objects.requireNonNull(resultShape, "resultShape");
            Objects.requireNonNull(dtype, "dtype");
        }

        @Override
        public DType resultType() {
            return op.resultType(dtype);
        }
    }

    /**
     * {@code where(value, operands[whenTrue], operands[whenFalse])}: the running value, a {@code bool},
     * picks each element from one of two operand storages of type {@link #dtype()}, broadcast with it
     * NumPy-style to {@code resultShape} (a Java scalar branch is a 0-d operand). numexpr's
     * {@code where(c, a, b)}; OpenVINO's {@code Select}.
     */
    public record SelectStep(int whenTrue, Shape trueShape, int whenFalse, Shape falseShape, Shape resultShape,
            DType dtype) implements Step {
        public SelectStep {
            Objects.requireNonNull(trueShape, "trueShape");
            Objects.requireNonNull(falseShape, "falseShape");
            Objects.requireNonNull(resultShape, "resultShape");
            Objects.requireNonNull(dtype, "dtype");
        }

        @Override
        public DType resultType() {
            return dtype;
        }
    }

    private final DType inputType;
    private final Shape inputShape;
    private final List<Step> steps;
    private final List<Shape> operandShapes;
    private final DType dtype;
    private final Shape shape;

    private ElementwiseChainSpec(DType inputType, Shape inputShape, List<Step> steps, List<Shape> operandShapes,
            DType dtype, Shape shape) {
        this.inputType = inputType;
        this.inputShape = inputShape;
        this.steps = steps;
        this.operandShapes = operandShapes;
        this.dtype = dtype;
        this.shape = shape;
    }

    /** An empty chain over an input of {@code inputType} and {@code inputShape}. */
    public static ElementwiseChainSpec of(DType inputType, Shape inputShape) {
        Objects.requireNonNull(inputType, "inputType");
        Objects.requireNonNull(inputShape, "inputShape");
        return new ElementwiseChainSpec(inputType, inputShape, List.of(), List.of(), inputType, inputShape);
    }

    /** This chain followed by {@code op}, typed as {@code Tensor}'s unary ops are. */
    public ElementwiseChainSpec thenUnary(UnaryOp op) {
        Objects.requireNonNull(op, "op");
        return append(new UnaryStep(op, op.computeType(dtype)), shape);
    }

    /**
     * This chain followed by {@code op} with a Java scalar, typed by its Java type beside the
     * running type as {@link WeakScalar} describes ({@code x.add(0.5)} on an {@code int32} value
     * computes in {@code float32}, {@code x.add(2)} in {@code int32}).
     *
     * @throws dev.adjoint.core.TensorException if an integer scalar does not fit the step's dtype
     */
    public ElementwiseChainSpec thenScalar(BinaryOp op, WeakScalar scalar) {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(scalar, "scalar");
        return append(new ScalarStep(op, scalar, scalar.computeType(op, dtype)), shape);
    }

    /**
     * This chain followed by {@code op} with a tensor operand of {@code operandType} and
     * {@code operandShape}, broadcast NumPy-style with the running value. The operand's storage is
     * expected in the step's compute type; it is the next entry of {@link #operandShapes()}.
     */
    public ElementwiseChainSpec thenOperand(BinaryOp op, DType operandType, Shape operandShape) {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(operandType, "operandType");
        Objects.requireNonNull(operandShape, "operandShape");
        Shape out = Shape.broadcast(op.opName(), shape, operandShape);
        DType compute = op.computeType(dtype, operandType);
        return append(new OperandStep(op, operandShapes.size(), operandShape, out, compute), out, operandShape);
    }

    /**
     * This chain followed by {@code where(value, a, b)}: the running value, which must be
     * {@code bool}, selects between tensor operands of {@code trueType}/{@code trueShape} and
     * {@code falseType}/{@code falseShape} (the next two entries of {@link #operandShapes()}), as
     * {@code Tensor.where} does; both are expected in the promoted type.
     *
     * @throws dev.adjoint.core.TensorException if the running value is not {@code bool} or the shapes do not broadcast
     */
    public ElementwiseChainSpec thenSelect(DType trueType, Shape trueShape, DType falseType, Shape falseShape) {
        Objects.requireNonNull(trueType, "trueType");
        Objects.requireNonNull(trueShape, "trueShape");
        Objects.requireNonNull(falseType, "falseType");
        Objects.requireNonNull(falseShape, "falseShape");
        TensorType result = new Op.Where().infer(List.of(new TensorType(dtype, shape),
                new TensorType(trueType, trueShape), new TensorType(falseType, falseShape)));
        int first = operandShapes.size();
        return append(new SelectStep(first, trueShape, first + 1, falseShape, result.shape(), result.dtype()),
                result.shape(), trueShape, falseShape);
    }

    private ElementwiseChainSpec append(Step step, Shape out, Shape... newOperandShapes) {
        List<Step> s = new ArrayList<>(steps);
        s.add(step);
        List<Shape> o = operandShapes;
        if (newOperandShapes.length > 0) {
            o = new ArrayList<>(operandShapes);
            o.addAll(List.of(newOperandShapes));
            o = List.copyOf(o);
        }
        return new ElementwiseChainSpec(inputType, inputShape, List.copyOf(s), o, step.resultType(), out);
    }

    public DType inputType() {
        return inputType;
    }

    public Shape inputShape() {
        return inputShape;
    }

    /** The steps in the order they apply; immutable. */
    public List<Step> steps() {
        return steps;
    }

    /** The shapes of the tensor operands, indexed by {@link OperandStep#operand()}; immutable. */
    public List<Shape> operandShapes() {
        return operandShapes;
    }

    /** The result's type. */
    public DType dtype() {
        return dtype;
    }

    /** The result's shape: the input's, broadcast with every tensor operand. */
    public Shape shape() {
        return shape;
    }

    /** The chain written like a NumPy expression of {@code x}, for messages, e.g. {@code tanh(add(mul(x, 2.0), b0))}. */
    @Override
    public String toString() {
        String expr = "x";
        for (Step step : steps) {
            expr = switch (step) {
                case UnaryStep u -> u.op().opName() + "(" + expr + ")";
                case ScalarStep s -> s.op().opName() + "(" + expr + ", " + s.scalar() + ")";
                case OperandStep o -> o.op().opName() + "(" + expr + ", b" + o.operand() + ")";
                case SelectStep w -> "where(" + expr + ", b" + w.whenTrue() + ", b" + w.whenFalse() + ")";
            };
        }
        return expr + " : " + inputType + inputShape + " -> " + dtype + shape;
    }
}
