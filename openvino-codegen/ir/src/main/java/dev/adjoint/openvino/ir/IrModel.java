package dev.adjoint.openvino.ir;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An OpenVINO model graph: parameters (inputs, in order), results (outputs, in order), sinks ({@code Assign}),
 * all nodes in a topological order (parameters first, then ops, then sinks, then results; the order the writer
 * emits), and the model-level runtime info. Built by {@link GraphBuilder} or {@link IrReader}.
 */
public final class IrModel {
    private final String name;
    private final List<Node> nodes;
    private final List<Node> parameters;
    private final List<Node> results;
    private final List<Node> sinks;
    private final Map<String, MetaValue> rtInfo;

    IrModel(String name, List<Node> nodes, List<Node> parameters, List<Node> results, List<Node> sinks,
            Map<String, MetaValue> rtInfo) {
        this.name = name;
        this.nodes = List.copyOf(nodes);
        this.parameters = List.copyOf(parameters);
        this.results = List.copyOf(results);
        this.sinks = List.copyOf(sinks);
        this.rtInfo = Collections.unmodifiableMap(new LinkedHashMap<>(rtInfo));
    }

    public String name() {
        return name;
    }

    /** Every node, topologically ordered: parameters, ops, sinks, results. */
    public List<Node> nodes() {
        return nodes;
    }

    public List<Node> parameters() {
        return parameters;
    }

    public List<Node> results() {
        return results;
    }

    public List<Node> sinks() {
        return sinks;
    }

    public Map<String, MetaValue> rtInfo() {
        return rtInfo;
    }

    /** The first node with this friendly name. */
    public java.util.Optional<Node> node(String friendlyName) {
        return nodes.stream().filter(n -> n.name().equals(friendlyName)).findFirst();
    }

    @Override
    public String toString() {
        return "IrModel \"" + name + "\" (" + nodes.size() + " nodes, " + parameters.size() + " parameters, "
                + results.size() + " results)";
    }
}
