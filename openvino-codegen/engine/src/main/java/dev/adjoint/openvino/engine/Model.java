package dev.adjoint.openvino.engine;

import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.openvino.ir.IrValidationException;
import dev.adjoint.openvino.ir.Node;
import dev.adjoint.openvino.ir.PartialShape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A model read from IR (or built with the ir module's {@code GraphBuilder}): its inputs and outputs, and the graph
 * it runs. As OpenVINO's {@code ov::Model}, {@link #reshape} changes it in place; models compiled before keep
 * the graph they were compiled from.
 */
public final class Model {
    private volatile IrModel graph;
    private final List<String> warnings;

    Model(IrModel graph, List<String> warnings) {
        this.graph = Objects.requireNonNull(graph, "graph");
        this.warnings = List.copyOf(warnings);
    }

    /** A model over a graph built in memory. */
    public static Model of(IrModel graph) {
        return new Model(graph, List.of());
    }

    public String name() {
        return graph.name();
    }

    /** The graph as it is now. */
    public IrModel graph() {
        return graph;
    }

    /** What the reader found suspicious but not fatal (declared dims that disagree with inference, ...). */
    public List<String> warnings() {
        return warnings;
    }

    public List<Port> inputs() {
        return inputsOf(graph);
    }

    public List<Port> outputs() {
        return outputsOf(graph);
    }

    /** The only input; an error naming the inputs when there are several. */
    public Port input() {
        return single(inputs(), "input");
    }

    /** The input with this tensor name (or friendly name). */
    public Port input(String name) {
        return byName(inputs(), name, "input");
    }

    public Port output() {
        return single(outputs(), "output");
    }

    public Port output(String name) {
        return byName(outputs(), name, "output");
    }

    /** Gives the only input a new shape (e.g. a batch size); see {@link #reshape(Map)}. */
    public void reshape(PartialShape shape) {
        reshape(Map.of(input().anyName(), shape));
    }

    /** Gives the only input a new static shape. */
    public void reshape(long... dims) {
        reshape(PartialShape.of(dims));
    }

    /**
     * Gives inputs new shapes (by tensor or friendly name) and infers every other shape again, as OpenVINO's
     * {@code Model::reshape} does.
     *
     * @throws EngineException naming the input, or the layer whose rule the new shapes break
     */
    public synchronized void reshape(Map<String, PartialShape> shapes) {
        IrModel g = graph;
        Map<Node, PartialShape> byParameter = new LinkedHashMap<>();
        List<Port> ports = inputsOf(g);
        for (Map.Entry<String, PartialShape> e : shapes.entrySet()) {
            Port p = byName(ports, e.getKey(), "input");
            Objects.requireNonNull(e.getValue(), "shape");
            byParameter.put(g.parameters().get(p.index()), e.getValue());
        }
        try {
            graph = GraphCopy.withParameterShapes(g, byParameter);
        } catch (IrValidationException e) {
            throw new EngineException("reshape " + shapes + ": " + e.getMessage(), e);
        }
    }

    static List<Port> inputsOf(IrModel g) {
        List<Port> out = new ArrayList<>();
        for (int i = 0; i < g.parameters().size(); i++) {
            Node p = g.parameters().get(i);
            out.add(new Port(i, p.outputs().get(0).names(), p.name(), p.outputs().get(0).type(),
                    p.outputs().get(0).shape()));
        }
        return List.copyOf(out);
    }

    static List<Port> outputsOf(IrModel g) {
        List<Port> out = new ArrayList<>();
        for (int i = 0; i < g.results().size(); i++) {
            Node r = g.results().get(i);
            out.add(new Port(i, r.input(0).names(), r.name(), r.input(0).type(), r.input(0).shape()));
        }
        return List.copyOf(out);
    }

    static Port single(List<Port> ports, String what) {
        if (ports.size() != 1) {
            throw new EngineException("the model has " + ports.size() + " " + what + "s " + ports
                    + ": name one or give its index");
        }
        return ports.get(0);
    }

    static Port byName(List<Port> ports, String name, String what) {
        for (Port p : ports) {
            if (p.names().contains(name)) {
                return p;
            }
        }
        for (Port p : ports) {
            if (p.friendlyName().equals(name)) {
                return p;
            }
        }
        throw new EngineException("the model has no " + what + " named '" + name + "'; its " + what + "s are "
                + ports);
    }

    @Override
    public String toString() {
        return "Model '" + name() + "' inputs " + inputs() + " outputs " + outputs();
    }
}
