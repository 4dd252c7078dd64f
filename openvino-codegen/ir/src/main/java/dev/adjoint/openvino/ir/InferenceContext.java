package dev.adjoint.openvino.ir;

import java.util.List;
import java.util.Optional;

/** What an op's inference rule sees: its inputs' types and shapes, its attributes, and known constant inputs. */
public interface InferenceContext {
    OpType op();

    Attributes attributes();

    List<PortType> inputs();

    default PortType input(int i) {
        return inputs().get(i);
    }

    default int inputCount() {
        return inputs().size();
    }

    /**
     * The values of input {@code i} when they are known while building the graph (an integer {@code Constant},
     * a {@code ShapeOf} of a static shape, or a {@code Convert} of either), as longs in row-major order.
     */
    Optional<long[]> constantValues(int i);

    /**
     * The values of input {@code i} when it is a floating-point {@code Constant} (or a {@code Convert} of one), as
     * doubles: the scales of an Interpolate, say.
     */
    default Optional<double[]> constantReals(int i) {
        return Optional.empty();
    }

    /** An exception naming the op; throw it from a rule. */
    default IrValidationException fail(String rule) {
        return new IrValidationException(op() + ": " + rule);
    }
}
