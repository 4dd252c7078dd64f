package dev.adjoint.openvino.optimizer;

import dev.adjoint.openvino.ir.Attributes;
import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.openvino.ir.Node;
import dev.adjoint.openvino.ir.NodeOutput;
import java.util.Optional;

/**
 * Replaces GELU written out op by op, {@code 0.5 x (1 + erf(x / sqrt(2)))} (what PyTorch exports for
 * {@code nn.GELU()} before opset 20, and TensorFlow for {@code gelu(approximate=False)}), by one {@code Gelu}-7 with
 * {@code approximation_mode="ERF"}, as OpenVINO's own GELU fusion does: five kernels and four intermediate tensors
 * become one. The final product may group the factors three ways, {@code (x * h) * 0.5}, {@code (0.5 * x) * h} or
 * {@code x * (h * 0.5)}, with {@code h = 1 + erf(x / sqrt(2))} or {@code 1 + erf(x * (1 / sqrt(2)))}, each product
 * and sum in either operand order. The constants must be single values within 1e-5 relative of 0.5, 1 and
 * {@code sqrt(2)} (or its inverse), every intermediate value must have no other reader, and the result must have x's
 * shape and type (a constant that broadcasts it to a higher rank keeps the chain). Outputs differ from the unfused
 * chain by float32 rounding: the Gelu kernel evaluates the same function in one step; at -inf the chain computes
 * {@code -inf * 0}, NaN, and Gelu its limit, 0. Counts the GELUs fused.
 */
public final class GeluFusion implements Pass {
    private static final double TOLERANCE = 1e-5;
    private static final double SQRT2 = Math.sqrt(2);

    @Override
    public String name() {
        return "gelu-fusion";
    }

    @Override
    public Result apply(IrModel model) {
        return GraphRewriter.rewrite(model, (n, inputs, r) -> {
            if (!isMultiply(n)) {
                return null;
            }
            // The constants may broadcast: fused only where the GELU's value has x's shape and type.
            return match(n, r).filter(x -> x.shape().equals(n.outputs().get(0).shape())
                    && x.type() == n.outputs().get(0).type()).map(x -> {
                Node gelu = r.builder().op("Gelu", 7, n.name(), Attributes.of("approximation_mode", "ERF"),
                        r.mapped(x));
                return GraphRewriter.Replacement.of(gelu.output(0));
            }).orElse(null);
        });
    }

    /** The x of the GELU that the product {@code n} ends, if it ends one. */
    private static Optional<NodeOutput> match(Node n, GraphRewriter r) {
        for (int side = 0; side < 2; side++) {
            NodeOutput a = n.input(side), b = n.input(1 - side);
            // (x * h) * 0.5
            if (isConstant(b, 0.5) && isMultiply(a.node()) && soleReader(a, r)) {
                for (int s = 0; s < 2; s++) {
                    NodeOutput x = a.node().input(s);
                    if (isErfHalf(a.node().input(1 - s), x, r)) {
                        return Optional.of(x);
                    }
                }
            }
            // (0.5 * x) * h
            if (isMultiply(a.node()) && soleReader(a, r)) {
                for (int s = 0; s < 2; s++) {
                    NodeOutput x = a.node().input(s);
                    if (isConstant(a.node().input(1 - s), 0.5) && isErfHalf(b, x, r)) {
                        return Optional.of(x);
                    }
                }
            }
            // x * (h * 0.5)
            if (isMultiply(b.node()) && soleReader(b, r)) {
                for (int s = 0; s < 2; s++) {
                    if (isConstant(b.node().input(1 - s), 0.5) && isErfHalf(b.node().input(s), a, r)) {
                        return Optional.of(a);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** Whether {@code h} is {@code 1 + erf(x / sqrt(2))} (or {@code erf(x * (1 / sqrt(2)))}), read only once. */
    private static boolean isErfHalf(NodeOutput h, NodeOutput x, GraphRewriter r) {
        Node add = h.node();
        if (!isBinary(add, "Add") || !soleReader(h, r)) {
            return false;
        }
        for (int side = 0; side < 2; side++) {
            NodeOutput erf = add.input(side);
            if (!isConstant(add.input(1 - side), 1) || !erf.node().is("Erf") || !soleReader(erf, r)) {
                continue;
            }
            NodeOutput scaled = erf.node().input(0);
            Node s = scaled.node();
            if (!soleReader(scaled, r)) {
                return false;
            }
            if (isBinary(s, "Divide")) {
                return s.input(0).equals(x) && isConstant(s.input(1), SQRT2);
            }
            if (isMultiply(s)) {
                return s.input(0).equals(x) && isConstant(s.input(1), 1 / SQRT2)
                        || s.input(1).equals(x) && isConstant(s.input(0), 1 / SQRT2);
            }
            return false;
        }
        return false;
    }

    private static boolean isMultiply(Node n) {
        return isBinary(n, "Multiply");
    }

    /** An element-wise op of opset 1 with numpy broadcasting on real values. */
    private static boolean isBinary(Node n, String type) {
        return n.is(type) && n.type().version() == 1 && "numpy".equals(n.attributes().get("auto_broadcast"))
                && n.outputs().get(0).type().isReal();
    }

    /** A Constant holding one value within {@link #TOLERANCE} of {@code expected} (relative). */
    private static boolean isConstant(NodeOutput v, double expected) {
        return Constants.reals(v).filter(c -> c.values().length == 1)
                .filter(c -> Math.abs(c.values()[0] - expected) <= TOLERANCE * expected).isPresent();
    }

    private static boolean soleReader(NodeOutput v, GraphRewriter r) {
        return r.readers(v.node(), v.index()) == 1;
    }
}
