package dev.adjoint.openvino.engine;

import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.Node;
import dev.adjoint.op.BinaryOp;
import dev.adjoint.ElementwiseChain;
import dev.adjoint.op.UnaryOp;
import dev.adjoint.openvino.engine.Plan.Kind;
import dev.adjoint.openvino.engine.Plan.Operand;
import dev.adjoint.openvino.engine.Plan.SlotRef;
import dev.adjoint.openvino.engine.Plan.Step;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fuses chains of float element-wise layers — the Multiply, Add and Relu (or Clamp, as ReLU6) that follow every
 * convolution of a network with folded batch norms — into one step that runs them as a Tensor {@link ElementwiseChain}, one pass over
 * memory instead of one per layer. A layer joins the chain of its input when it is that value's only reader (and the
 * value is not a model output), every layer in it computes in the same floating type, the chain value is the left
 * operand of a Subtract or Divide, and its values are large enough ({@link #MIN_ELEMENTS}) for one pass to save
 * more than building the chain costs.
 */
final class Fusion {
    private Fusion() {
    }

    private static final Map<String, BinaryOp> BINARY = Map.of("Add", BinaryOp.ADD, "Subtract", BinaryOp.SUB,
            "Multiply", BinaryOp.MUL, "Divide", BinaryOp.DIV, "Maximum", BinaryOp.MAXIMUM, "Minimum",
            BinaryOp.MINIMUM);
    private static final Map<String, UnaryOp> UNARY = Map.of("Relu", UnaryOp.RELU, "Sigmoid", UnaryOp.SIGMOID,
            "Tanh", UnaryOp.TANH, "Exp", UnaryOp.EXP, "Negative", UnaryOp.NEG, "Abs", UnaryOp.ABS, "Sqrt",
            UnaryOp.SQRT, "Log", UnaryOp.LOG);

    /**
     * One fused layer: its op, and for a binary op the index of its other operand among the step's inputs; a
     * Clamp has neither and its bounds instead.
     */
    private record Link(Node node, UnaryOp unary, BinaryOp binary, int operand, double low, double high) {
        Link(Node node, UnaryOp unary, BinaryOp binary, int operand) {
            this(node, unary, binary, operand, 0, 0);
        }
    }

    static boolean fusible(Node n) {
        String name = n.type().name();
        boolean known = (BINARY.containsKey(name) && n.type().version() == 1)
                || (UNARY.containsKey(name) && n.type().version() == 0) || clamp(n);
        if (!known || n.outputs().size() != 1) {
            return false;
        }
        ElementType t = n.outputs().get(0).type();
        if (t != ElementType.F32 && t != ElementType.F64 || !large(n.outputs().get(0).shape())) {
            return false;
        }
        for (var in : n.inputs()) {
            if (in.type() != t) {
                return false;
            }
        }
        return true;
    }

    /**
     * A Clamp whose bounds the chain can apply as the eager kernel does ({@code Tensor.clip}: maximum with the low
     * bound, then minimum with the high one): ordered, finite bounds (others keep the Clamp's own kernel and its
     * errors). MobileNet-v2's ReLU6 then runs in the same pass as the bias before it.
     */
    static boolean clamp(Node n) {
        if (!n.type().name().equals("Clamp") || n.type().version() != 0 || n.inputs().size() != 1) {
            return false;
        }
        double low = n.attributes().getDouble("min"), high = n.attributes().getDouble("max");
        double limit = n.outputs().get(0).type() == ElementType.F32 ? Float.MAX_VALUE : Double.MAX_VALUE;
        return low <= high && Math.abs(low) <= limit && Math.abs(high) <= limit;
    }

    /**
     * Fusion pays once a value no longer fits the caches: building a chain costs about 0.2 µs a step, a pass
     * over a small tensor less. Values of at least this many elements (dynamic dimensions counted as 1) fuse.
     */
    static final long MIN_ELEMENTS = 1 << 14;

    private static boolean large(dev.adjoint.openvino.ir.PartialShape shape) {
        if (shape.isRankDynamic()) {
            return false;
        }
        long n = 1;
        for (var d : shape.dims()) {
            n = Math.multiplyExact(n, d.isStatic() ? Math.max(d.length(), 1) : Math.max(d.min(), 1));
        }
        return n >= MIN_ELEMENTS;
    }

    /** The steps with fusible runs merged; a fused step sits where its last layer was. */
    static List<Step> fuse(List<Step> steps, List<Operand> outputs) {
        Map<Integer, Integer> readers = readers(steps, outputs);
        // The chain a slot ends, if any: the step that makes it is the chain's last layer.
        Map<Integer, Chain> chainEndingAt = new HashMap<>();
        List<Object> order = new ArrayList<>();
        for (Step s : steps) {
            if (s.kind() != Kind.OP || !fusible(s.node())) {
                order.add(s);
                continue;
            }
            Node n = s.node();
            int chainInput = chainInput(n, s.inputs(), chainEndingAt, readers);
            Chain chain = chainInput >= 0 ? chainEndingAt.remove(((SlotRef) s.inputs().get(chainInput)).slot()) : null;
            if (chain == null) {
                // A new chain starts here with this layer's first input (or the only one) as its value.
                chain = new Chain(new ArrayList<>(), new ArrayList<>(), n.outputs().get(0).type());
                chain.inputs.add(s.inputs().get(0));
                chainInput = 0;
                order.add(chain);
            } else if (chain.type != n.outputs().get(0).type()) {
                order.add(s);
                continue;
            }
            chain.append(n, s, chainInput);
            chainEndingAt.put(s.outputSlots()[0], chain);
        }
        List<Step> out = new ArrayList<>();
        for (Object o : order) {
            if (o instanceof Step s) {
                out.add(s);
            } else {
                out.add(((Chain) o).toStep());
            }
        }
        // A fused step must sit where its last layer was: re-place chains after the steps they follow.
        return reorder(steps, out);
    }

    /**
     * {@code steps} with each step that {@code replaced} maps to a fused step swapped for it, and the other steps the
     * fused ones absorbed dropped, in order: the fused passes put a fused step where its inputs are all ready and
     * before every reader of its output.
     */
    static List<Step> replace(List<Step> steps, Map<Step, Step> replaced, Set<Step> absorbed) {
        if (replaced.isEmpty()) {
            return steps;
        }
        List<Step> out = new ArrayList<>(steps.size());
        for (Step s : steps) {
            if (replaced.containsKey(s)) {
                out.add(replaced.get(s));
            } else if (!absorbed.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }

    /** How many steps read each slot; a model output counts as two readers, so that it is never fused away. */
    static Map<Integer, Integer> readers(List<Step> steps, List<Operand> outputs) {
        Map<Integer, Integer> readers = new HashMap<>();
        for (Step s : steps) {
            for (Operand o : s.inputs()) {
                if (o instanceof SlotRef r) {
                    readers.merge(r.slot(), 1, Integer::sum);
                }
            }
        }
        for (Operand o : outputs) {
            if (o instanceof SlotRef r) {
                readers.merge(r.slot(), 2, Integer::sum);
            }
        }
        return readers;
    }

    /** Which input of {@code n} continues a chain: one ending at a slot nobody else reads; -1 when none does. */
    private static int chainInput(Node n, List<Operand> inputs, Map<Integer, Chain> chains,
            Map<Integer, Integer> readers) {
        boolean commutative = !n.is("Subtract") && !n.is("Divide");
        for (int i = 0; i < inputs.size(); i++) {
            if (i > 0 && !commutative) {
                break;
            }
            if (inputs.get(i) instanceof SlotRef r && chains.containsKey(r.slot()) && readers.get(r.slot()) == 1) {
                // Multiply(x, x): the value may not be both the chain and the operand.
                if (inputs.size() == 2 && inputs.get(1 - i) instanceof SlotRef o && o.slot() == r.slot()) {
                    return -1;
                }
                return i;
            }
        }
        return -1;
    }

    private static final class Chain {
        final List<Operand> inputs;
        final List<Link> links;
        final ElementType type;
        Step last;
        final List<Step> members = new ArrayList<>();

        Chain(List<Operand> inputs, List<Link> links, ElementType type) {
            this.inputs = inputs;
            this.links = links;
            this.type = type;
        }

        void append(Node n, Step s, int chainInput) {
            if (UNARY.containsKey(n.type().name())) {
                links.add(new Link(n, UNARY.get(n.type().name()), null, -1));
            } else if (n.type().name().equals("Clamp")) {
                links.add(new Link(n, null, null, -1, n.attributes().getDouble("min"), n.attributes().getDouble("max")));
            } else {
                inputs.add(s.inputs().get(1 - chainInput));
                links.add(new Link(n, null, BINARY.get(n.type().name()), inputs.size() - 1));
            }
            last = s;
            members.add(s);
        }

        Step toStep() {
            if (members.size() == 1) {
                return last;
            }
            List<Link> fixed = List.copyOf(links);
            String names = String.join("', '", fixed.stream().map(k -> k.node().name()).toList());
            Kernel kernel = (layer, in) -> {
                try {
                    ElementwiseChain c = in.get(0).tensor().chain();
                    for (Link k : fixed) {
                        if (k.unary() != null) {
                            c = c.apply(k.unary());
                        } else if (k.binary() != null) {
                            c = c.apply(k.binary(), in.get(k.operand()).tensor());
                        } else {
                            c = c.apply(BinaryOp.MAXIMUM, k.low()).apply(BinaryOp.MINIMUM, k.high());
                        }
                    }
                    return java.util.Collections.singletonList(c.evaluate());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("in the fused layers '" + names + "': " + e.getMessage(), e);
                }
            };
            String execType = String.join("+", members.stream().map(Step::execType).toList());
            return new Step(last.node(), Kind.OP, kernel, List.copyOf(inputs), last.outputSlots(), null, last.layer(),
                    execType);
        }
    }

    /** Places each fused step at the position of its last member, keeping every other step's order. */
    private static List<Step> reorder(List<Step> original, List<Step> fused) {
        Map<Node, Step> byLastNode = new HashMap<>();
        for (Step s : fused) {
            byLastNode.put(s.node(), s);
        }
        List<Step> out = new ArrayList<>();
        for (Step s : original) {
            Step replacement = byLastNode.get(s.node());
            if (replacement != null) {
                out.add(replacement);
            }
        }
        return out;
    }
}
