package dev.adjoint.openvino.optimizer;

import dev.adjoint.openvino.ir.GraphBuilder;
import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.openvino.ir.MetaValue;
import dev.adjoint.openvino.ir.Node;
import dev.adjoint.openvino.ir.NodeOutput;
import dev.adjoint.openvino.ir.RtAttribute;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Copies a model node by node, in topological order, through a new {@link GraphBuilder} (so every shape is inferred
 * again), letting a {@link Rule} replace a node by other values. A replaced node's tensor names move to the values
 * that replace it, so the model's input and output names survive a rewrite. Whatever a replacement leaves unread
 * (the old inputs of a folded node, say) is dropped by {@link GraphBuilder#build()}.
 */
final class GraphRewriter {

    /** Decides, node by node, whether to copy it or what replaces it. */
    @FunctionalInterface
    interface Rule {
        /**
         * @param original the node in the source model
         * @param inputs what its inputs are connected to in the new model
         * @return null to copy the node, or its replacement
         */
        Replacement rewrite(Node original, List<NodeOutput> inputs, GraphRewriter rewriter);
    }

    /**
     * What replaces a node: one new value per output of the original (an empty list removes a node nothing reads).
     *
     * @param moveNames whether the original outputs' tensor names move to the replacement values (false when the
     *     replacement is built on a copy of the node that keeps them, as preprocessing after a Parameter)
     */
    record Replacement(List<NodeOutput> outputs, boolean moveNames) {
        static Replacement of(NodeOutput... outputs) {
            return new Replacement(List.of(outputs), true);
        }

        static Replacement removed() {
            return new Replacement(List.of(), false);
        }
    }

    private final IrModel source;
    private final GraphBuilder builder;
    private final Map<Node, int[]> readers = new IdentityHashMap<>();
    private final Map<Node, List<NodeOutput>> copies = new IdentityHashMap<>();
    private final Map<Node, Node> copiedNodes = new IdentityHashMap<>();
    private int changes;

    GraphRewriter(IrModel source) {
        this.source = source;
        this.builder = new GraphBuilder(source.name());
        for (Node n : source.nodes()) {
            readers.put(n, new int[n.outputs().size()]);
        }
        for (Node n : source.nodes()) {
            for (NodeOutput in : n.inputs()) {
                readers.get(in.node())[in.index()]++;
            }
        }
    }

    /** Rewrites {@code model} with {@code rule}; the result counts the replacements the rule made. */
    static Pass.Result rewrite(IrModel model, Rule rule) {
        GraphRewriter r = new GraphRewriter(model);
        IrModel out = r.run(rule);
        return new Pass.Result(out, r.changes);
    }

    private IrModel run(Rule rule) {
        for (Node n : source.nodes()) {
            List<NodeOutput> inputs = new ArrayList<>(n.inputs().size());
            for (NodeOutput in : n.inputs()) {
                inputs.add(mapped(in));
            }
            Replacement r = rule.rewrite(n, inputs, this);
            if (r == null) {
                copies.put(n, outputsOf(copy(n, inputs)));
                continue;
            }
            changes++;
            if (r.outputs().isEmpty()) {
                copies.put(n, List.of());
                continue;
            }
            if (r.outputs().size() != n.outputs().size()) {
                throw new IllegalStateException(n + " has " + n.outputs().size() + " outputs, replaced by "
                        + r.outputs().size());
            }
            if (r.moveNames()) {
                for (int i = 0; i < r.outputs().size(); i++) {
                    mergeNames(r.outputs().get(i), n.outputs().get(i).names());
                }
            }
            copies.put(n, r.outputs());
        }
        for (Map.Entry<String, MetaValue> e : source.rtInfo().entrySet()) {
            builder.putModelRtInfo(e.getKey(), e.getValue());
        }
        return builder.build();
    }

    private static List<NodeOutput> outputsOf(Node n) {
        List<NodeOutput> out = new ArrayList<>(n.outputs().size());
        for (int i = 0; i < n.outputs().size(); i++) {
            out.add(n.output(i));
        }
        return out;
    }

    /** The builder of the new model, for the nodes a replacement adds. */
    GraphBuilder builder() {
        return builder;
    }

    /**
     * What the source model's value {@code original} is in the new model: a value of a node the rewrite has already
     * passed (topological order: any value a node being rewritten reaches through its inputs).
     */
    NodeOutput mapped(NodeOutput original) {
        List<NodeOutput> outs = copies.get(original.node());
        if (outs == null || original.index() >= outs.size()) {
            throw new IllegalStateException(original + " has no value in the new model: a rewrite removed it, or its"
                    + " node is not rewritten yet");
        }
        return outs.get(original.index());
    }

    /** How many nodes of the source model read output {@code index} of {@code original} (Results included). */
    int readers(Node original, int index) {
        return readers.get(original)[index];
    }

    /**
     * A copy of {@code original} in the new model reading {@code inputs}, with its tensor names and runtime info
     * (a Parameter keeps its attributes, a Constant its bytes).
     */
    Node copy(Node original, List<NodeOutput> inputs) {
        Node existing = copiedNodes.get(original);
        if (existing != null) {
            return existing;
        }
        Node copy;
        if (original.is("Constant")) {
            copy = builder.constant(original.name(), original.outputs().get(0).type(),
                    original.outputs().get(0).shape().lengths(), original.data().orElseThrow());
        } else {
            copy = builder.op(original.type().name(), original.type().version(), original.name(),
                    original.attributes(), inputs.toArray(NodeOutput[]::new));
        }
        for (int i = 0; i < original.outputs().size(); i++) {
            builder.setTensorNames(copy.output(i), original.outputs().get(i).names());
            for (Map.Entry<String, RtAttribute> e : original.outputs().get(i).rtInfo().entrySet()) {
                builder.putOutputRtInfo(copy.output(i), e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<String, RtAttribute> e : original.rtInfo().entrySet()) {
            builder.putRtInfo(copy, e.getKey(), e.getValue());
        }
        for (int i = 0; i < original.inputs().size(); i++) {
            for (Map.Entry<String, RtAttribute> e : original.inputRtInfo(i).entrySet()) {
                builder.putInputRtInfo(copy, i, e.getKey(), e.getValue());
            }
        }
        copiedNodes.put(original, copy);
        return copy;
    }

    /** A new f32 Constant. */
    Node constantF32(String name, long[] shape, float[] values) {
        return builder.constant(name, shape, values);
    }

    /** A new Constant of raw little-endian bytes. */
    Node constant(String name, dev.adjoint.openvino.ir.ElementType type, long[] shape, byte[] bytes) {
        return builder.constant(name, type, shape, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN));
    }

    private void mergeNames(NodeOutput target, java.util.SortedSet<String> names) {
        if (names.isEmpty()) {
            return;
        }
        TreeSet<String> all = new TreeSet<>(target.names());
        all.addAll(names);
        builder.setTensorNames(target, all);
    }
}
