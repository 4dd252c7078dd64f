package dev.adjoint.openvino.ir;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Structural comparison of two models: the same parameters, results and sinks in the same order, and behind them
 * nodes of the same type, version, name, attributes, constant bytes, output types, shapes, tensor names and runtime
 * info, connected the same way. Node order and identity do not matter (a model read back from IR is equal to the
 * one written).
 */
public final class ModelDiff {
    private ModelDiff() {
    }

    public static boolean equal(IrModel a, IrModel b) {
        return firstDifference(a, b).isEmpty();
    }

    /** The first difference found, described, or empty when the models are structurally equal. */
    public static Optional<String> firstDifference(IrModel a, IrModel b) {
        if (!a.name().equals(b.name())) {
            return Optional.of("model names differ: \"" + a.name() + "\" vs \"" + b.name() + "\"");
        }
        if (!a.rtInfo().equals(b.rtInfo())) {
            return Optional.of("model rt_info differs: " + a.rtInfo() + " vs " + b.rtInfo());
        }
        Map<Node, Node> pairs = new IdentityHashMap<>();
        Map<Node, Node> reverse = new IdentityHashMap<>();
        Deque<Node[]> work = new ArrayDeque<>();
        for (String role : new String[] {"parameters", "results", "sinks"}) {
            List<Node> la = nodes(a, role);
            List<Node> lb = nodes(b, role);
            if (la.size() != lb.size()) {
                return Optional.of("number of " + role + " differs: " + la.size() + " vs " + lb.size());
            }
            for (int i = 0; i < la.size(); i++) {
                work.add(new Node[] {la.get(i), lb.get(i)});
            }
        }
        if (a.nodes().size() != b.nodes().size()) {
            return Optional.of("number of nodes differs: " + a.nodes().size() + " vs " + b.nodes().size());
        }
        while (!work.isEmpty()) {
            Node[] p = work.poll();
            Node x = p[0];
            Node y = p[1];
            Node known = pairs.get(x);
            if (known != null) {
                if (known != y) {
                    return Optional.of(x + " corresponds to two different nodes: " + known + " and " + y);
                }
                continue;
            }
            if (reverse.containsKey(y)) {
                return Optional.of(y + " corresponds to two different nodes");
            }
            pairs.put(x, y);
            reverse.put(y, x);
            Optional<String> d = local(x, y);
            if (d.isPresent()) {
                return d;
            }
            for (int i = 0; i < x.inputs().size(); i++) {
                NodeOutput ix = x.input(i);
                NodeOutput iy = y.input(i);
                if (ix.index() != iy.index()) {
                    return Optional.of(x + " input " + i + " comes from output " + ix.index() + " of " + ix.node()
                            + " vs output " + iy.index() + " of " + iy.node());
                }
                work.add(new Node[] {ix.node(), iy.node()});
            }
        }
        return Optional.empty();
    }

    private static List<Node> nodes(IrModel m, String role) {
        return switch (role) {
            case "parameters" -> m.parameters();
            case "results" -> m.results();
            default -> m.sinks();
        };
    }

    private static Optional<String> local(Node x, Node y) {
        if (!x.type().equals(y.type())) {
            return Optional.of("op differs: " + x + " vs " + y);
        }
        if (!x.name().equals(y.name())) {
            return Optional.of("name differs: " + x + " vs " + y);
        }
        if (!x.attributes().equals(y.attributes())) {
            return Optional.of(x + " attributes differ: " + x.attributes() + " vs " + y.attributes());
        }
        if (!x.data().equals(y.data())) {
            return Optional.of(x + " constant data differs");
        }
        if (x.inputs().size() != y.inputs().size()) {
            return Optional.of(x + " has " + x.inputs().size() + " inputs vs " + y.inputs().size());
        }
        if (!x.rtInfo().equals(y.rtInfo())) {
            return Optional.of(x + " rt_info differs: " + x.rtInfo() + " vs " + y.rtInfo());
        }
        for (int i = 0; i < x.inputs().size(); i++) {
            if (!x.inputRtInfo(i).equals(y.inputRtInfo(i))) {
                return Optional.of(x + " input " + i + " rt_info differs");
            }
        }
        if (x.outputs().size() != y.outputs().size()) {
            return Optional.of(x + " has " + x.outputs().size() + " outputs vs " + y.outputs().size());
        }
        for (int i = 0; i < x.outputs().size(); i++) {
            OutputPort ox = x.outputs().get(i);
            OutputPort oy = y.outputs().get(i);
            if (ox.type() != oy.type() || !ox.shape().equals(oy.shape())) {
                return Optional.of(x + " output " + i + " differs: " + ox + " vs " + oy);
            }
            if (!ox.names().equals(oy.names())) {
                return Optional.of(x + " output " + i + " names differ: " + ox.names() + " vs " + oy.names());
            }
            if (!ox.rtInfo().equals(oy.rtInfo())) {
                return Optional.of(x + " output " + i + " rt_info differs: " + ox.rtInfo() + " vs " + oy.rtInfo());
            }
        }
        return Optional.empty();
    }
}
