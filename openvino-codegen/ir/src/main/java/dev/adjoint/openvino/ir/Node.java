package dev.adjoint.openvino.ir;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An op in an {@link IrModel}: its type and version, friendly name, attributes, inputs (the outputs of earlier
 * nodes they are connected to) and inferred outputs. Nodes are made by a {@link GraphBuilder}; identity is
 * reference identity (compare whole models with {@link ModelDiff}).
 */
public final class Node {
    private final GraphBuilder owner;
    private final OpDefinition definition;
    private final String name;
    private final Attributes attributes;
    private final List<NodeOutput> inputs;
    private final List<OutputPort> outputs;
    private final ByteBuffer data;
    private final Map<String, RtAttribute> rtInfo = new LinkedHashMap<>();
    private final List<Map<String, RtAttribute>> inputRtInfo;

    Node(GraphBuilder owner, OpDefinition definition, String name, Attributes attributes, List<NodeOutput> inputs,
            List<PortType> outputTypes, ByteBuffer data) {
        this.owner = owner;
        this.definition = definition;
        this.name = name;
        this.attributes = attributes;
        this.inputs = List.copyOf(inputs);
        List<OutputPort> outs = new ArrayList<>(outputTypes.size());
        for (PortType t : outputTypes) {
            outs.add(new OutputPort(t));
        }
        this.outputs = List.copyOf(outs);
        this.data = data;
        List<Map<String, RtAttribute>> inRt = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            inRt.add(new LinkedHashMap<>());
        }
        this.inputRtInfo = List.copyOf(inRt);
    }

    GraphBuilder owner() {
        return owner;
    }

    public OpDefinition definition() {
        return definition;
    }

    public OpType type() {
        return definition.type();
    }

    /** True for {@code name} ignoring the version: {@code node.is("Parameter")}. */
    public boolean is(String typeName) {
        return definition.type().name().equals(typeName);
    }

    /** The friendly name (the layer's {@code name}). */
    public String name() {
        return name;
    }

    public Attributes attributes() {
        return attributes;
    }

    public List<NodeOutput> inputs() {
        return inputs;
    }

    public NodeOutput input(int i) {
        return inputs.get(i);
    }

    public List<OutputPort> outputs() {
        return outputs;
    }

    public NodeOutput output(int i) {
        return new NodeOutput(this, i);
    }

    /** A {@code Constant}'s bytes: read-only, little-endian, row-major, exactly as long as its shape needs. */
    public Optional<ByteBuffer> data() {
        return data == null ? Optional.empty()
                : Optional.of(data.asReadOnlyBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN));
    }

    public Map<String, RtAttribute> rtInfo() {
        return Collections.unmodifiableMap(rtInfo);
    }

    public Map<String, RtAttribute> inputRtInfo(int input) {
        return Collections.unmodifiableMap(inputRtInfo.get(input));
    }

    void putRtInfo(String key, RtAttribute value) {
        rtInfo.put(key, value);
    }

    void putInputRtInfo(int input, String key, RtAttribute value) {
        inputRtInfo.get(input).put(key, value);
    }

    @Override
    public String toString() {
        return definition.type() + " \"" + name + "\"";
    }
}
