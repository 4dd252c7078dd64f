package dev.adjoint.openvino.optimizer;

import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.openvino.ir.Node;
import dev.adjoint.openvino.ir.NodeOutput;
import dev.adjoint.openvino.ir.PartialShape;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Removes nodes that compute nothing: ops that hand their input on unchanged — a {@code Convert} to the type it
 * already has; a {@code Reshape}, {@code Squeeze}, {@code Unsqueeze}, {@code Broadcast} or {@code Tile} whose static
 * output shape is its input's; a {@code Transpose} by the identity order; a {@code Concat} of one input; a
 * {@code Multiply} or {@code Divide} by constant ones that does not broadcast the other operand — so that readers
 * read the input directly. (Nodes no Result or sink reaches are dropped by every rewrite, as
 * {@code GraphBuilder.build()} keeps only what the outputs need; this pass runs after the folding passes, which
 * leave such pass-through ops behind, and before the fusions, which need a convolution to be read directly.) Counts
 * the nodes removed.
 */
public final class DeadNodeRemoval implements Pass {
    private static final Set<String> SHAPE_OPS = Set.of("Reshape", "Squeeze", "Unsqueeze", "Broadcast", "Tile");

    @Override
    public String name() {
        return "dead-node-removal";
    }

    @Override
    public Result apply(IrModel model) {
        return GraphRewriter.rewrite(model, (n, inputs, r) -> passThrough(n, inputs)
                .map(GraphRewriter.Replacement::of).orElse(null));
    }

    /** The input {@code n} hands on unchanged, if it does. */
    static Optional<NodeOutput> passThrough(Node n, List<NodeOutput> inputs) {
        if (n.outputs().size() != 1 || inputs.isEmpty()) {
            return Optional.empty();
        }
        NodeOutput x = inputs.get(0);
        PartialShape out = n.outputs().get(0).shape();
        boolean sameType = x.type() == n.outputs().get(0).type();
        boolean sameStaticShape = out.isStatic() && x.shape().isStatic() && out.equals(x.shape());
        String op = n.type().name();
        if (op.equals("Convert") || SHAPE_OPS.contains(op)) {
            return sameType && (op.equals("Convert") || sameStaticShape) ? Optional.of(x) : Optional.empty();
        }
        if (op.equals("Concat")) {
            return inputs.size() == 1 && sameType ? Optional.of(x) : Optional.empty();
        }
        if (op.equals("Transpose")) {
            Optional<long[]> order = Constants.integers(inputs.get(1));
            if (order.isEmpty() || !sameType) {
                return Optional.empty();
            }
            long[] o = order.get();
            for (int i = 0; i < o.length; i++) {
                if (o[i] != i) {
                    return Optional.empty();
                }
            }
            return x.shape().isRankStatic() && o.length == x.shape().rank() ? Optional.of(x) : Optional.empty();
        }
        if ((op.equals("Multiply") || op.equals("Divide")) && inputs.size() == 2 && sameType && sameStaticShape
                && x.type().isReal()) {
            Optional<Constants.Values> c = Constants.reals(inputs.get(1));
            if (c.isPresent() && java.util.Arrays.stream(c.get().values()).allMatch(v -> v == 1.0)) {
                return Optional.of(x);
            }
        }
        return Optional.empty();
    }
}
