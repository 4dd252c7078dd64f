package dev.adjoint.openvino.ir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds an {@link IrModel} node by node. Every node is validated and its outputs inferred when it is added,
 * as OpenVINO's op constructors do, so a bad node fails at the call that made it with an
 * {@link IrValidationException} naming the op and the rule.
 *
 * <pre>{@code
 * GraphBuilder g = new GraphBuilder("dense");
 * Node x = g.parameter("x", ElementType.F32, PartialShape.parse("?,4"));
 * Node w = g.constant("W", ElementType.F32, new long[] {4, 3}, weightBytes);
 * Node y = g.op("MatMul", 0, "y", Attributes.empty(), x.output(0), w.output(0));
 * g.result("out", y.output(0));
 * IrModel model = g.build();
 * }</pre>
 */
public final class GraphBuilder {
    /** Constants with more elements than this are not read as shape-like values during inference. */
    static final int MAX_CONSTANT_VALUES = 1 << 16;

    private final String name;
    private final OpRegistry registry;
    private final List<Node> created = new ArrayList<>();
    private final Map<String, MetaValue> rtInfo = new LinkedHashMap<>();
    private boolean built;

    public GraphBuilder(String name) {
        this(name, OpRegistry.standard());
    }

    public GraphBuilder(String name, OpRegistry registry) {
        this.name = name;
        this.registry = registry;
    }

    public OpRegistry registry() {
        return registry;
    }

    public Node parameter(String friendlyName, ElementType type, PartialShape shape) {
        return op("Parameter", 0, friendlyName, Attributes.of("shape", shape, "element_type", type));
    }

    /**
     * A {@code Constant} holding {@code data} (little-endian, row-major; its remaining bytes must be exactly what
     * the shape needs). The buffer is kept, not copied: do not change it afterwards.
     */
    public Node constant(String friendlyName, ElementType type, long[] shape, ByteBuffer data) {
        List<Long> dims = Arrays.stream(shape).boxed().toList();
        return add(registry.definition(new OpType("Constant", 0)), friendlyName,
                Attributes.of("element_type", type, "shape", dims), List.of(), data);
    }

    /** A {@code Constant} of f32 values. */
    public Node constant(String friendlyName, long[] shape, float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return constant(friendlyName, ElementType.F32, shape, b.flip());
    }

    /** A {@code Constant} of i64 values (shapes, axes, orders). */
    public Node constantI64(String friendlyName, long[] shape, long... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return constant(friendlyName, ElementType.I64, shape, b.flip());
    }

    public Node result(String friendlyName, NodeOutput value) {
        return op("Result", 0, friendlyName, Attributes.empty(), value);
    }

    /** Adds an op of the given OpenVINO type name and version ({@code "MaxPool", 8}). */
    public Node op(String typeName, int version, String friendlyName, Attributes attributes, NodeOutput... inputs) {
        OpDefinition def = registry.definition(new OpType(typeName, version));
        if (def == null) {
            throw new IrValidationException("unknown op " + typeName + "-" + version);
        }
        return add(def, friendlyName, attributes, Arrays.asList(inputs), null);
    }

    Node add(OpDefinition def, String friendlyName, Attributes given, List<NodeOutput> inputs, ByteBuffer data) {
        checkOpen();
        if (friendlyName == null) {
            throw new IrValidationException(def.type() + ": a node needs a name");
        }
        if (inputs.size() < def.minInputs() || inputs.size() > def.maxInputs()) {
            throw new IrValidationException(def.type() + " expects " + def.inputCountText() + ", got " + inputs.size());
        }
        List<PortType> inputTypes = new ArrayList<>(inputs.size());
        for (NodeOutput in : inputs) {
            if (in.node().owner() != this) {
                throw new IrValidationException(def.type() + ": input " + in + " belongs to another graph");
            }
            if (in.node().is("Result") || in.node().is("Assign")) {
                throw new IrValidationException(def.type() + ": the output of " + in.node().type()
                        + " cannot be consumed");
            }
            inputTypes.add(in.portType());
        }
        Attributes attributes = completeAttributes(def, given);
        InferenceContext ctx = new Context(def.type(), attributes, inputTypes, inputs);
        List<PortType> outputs;
        try {
            outputs = def.rule().infer(ctx);
        } catch (IrValidationException e) {
            throw e;
        } catch (ArithmeticException e) {
            throw new IrValidationException(def.type() + ": dimension arithmetic overflows a 64-bit integer");
        } catch (IllegalArgumentException e) {
            throw new IrValidationException(def.type() + ": " + e.getMessage());
        }
        if (def.type().name().equals("Constant")) {
            data = checkConstantData(def, outputs.get(0), data);
        }
        Node node = new Node(this, def, friendlyName, attributes, inputs, outputs, data);
        created.add(node);
        return node;
    }

    private static Attributes completeAttributes(OpDefinition def, Attributes given) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (AttributeSpec spec : def.attributes()) {
            Object v = given.get(spec.name());
            if (v != null) {
                out.put(spec.name(), spec.check(v));
            } else if (spec.presence() == AttributeSpec.Presence.DEFAULTED) {
                out.put(spec.name(), spec.defaultValue());
            } else if (spec.presence() == AttributeSpec.Presence.REQUIRED) {
                throw new IrValidationException(def.type() + ": attribute " + spec.name() + " is required");
            }
        }
        zeroPadsWithoutExplicitPadding(out);
        for (String key : given.asMap().keySet()) {
            if (def.attribute(key) == null) {
                throw new IrValidationException(def.type() + " has no attribute " + key);
            }
        }
        return Attributes.ofMap(out);
    }

    /**
     * With {@code auto_pad} valid or same_*, the pads are derived, not given: store them as zeros, the way
     * OpenVINO's serializer writes them, so that a written model reads back equal.
     */
    private static void zeroPadsWithoutExplicitPadding(Map<String, Object> attrs) {
        Object autoPad = attrs.get("auto_pad");
        if (autoPad == null || autoPad.equals("explicit") || autoPad.equals("notset")) {
            return;
        }
        for (String key : new String[] {"pads_begin", "pads_end"}) {
            if (attrs.get(key) instanceof List<?> pads) {
                attrs.put(key, java.util.Collections.nCopies(pads.size(), 0L));
            }
        }
    }

    private static ByteBuffer checkConstantData(OpDefinition def, PortType out, ByteBuffer data) {
        long count = out.shape().elementCount().orElseThrow();
        long need = out.type().byteSize(count).orElseThrow(
                () -> new IrValidationException(def.type() + ": byte size of " + out + " overflows"));
        if (data == null || data.remaining() != need) {
            throw new IrValidationException(def.type() + ": " + out + " needs " + need + " bytes of data, got "
                    + (data == null ? 0 : data.remaining()));
        }
        return data.slice().asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Sets the tensor names of an output (the port's {@code names="..."}). */
    public void setTensorNames(NodeOutput output, Collection<String> names) {
        checkOwned(output.node());
        output.port().setNames(names);
    }

    public void putRtInfo(Node node, String key, RtAttribute value) {
        checkOwned(node);
        node.putRtInfo(key, value);
    }

    public void putOutputRtInfo(NodeOutput output, String key, RtAttribute value) {
        checkOwned(output.node());
        output.port().putRtInfo(key, value);
    }

    public void putInputRtInfo(Node node, int input, String key, RtAttribute value) {
        checkOwned(node);
        node.putInputRtInfo(input, key, value);
    }

    /** A model-level runtime-info entry. */
    public void putModelRtInfo(String key, MetaValue value) {
        checkOpen();
        rtInfo.put(key, value);
    }

    /**
     * The model: every parameter, and every node a result or sink depends on, in the writer's order
     * (parameters, ops topologically, sinks, results). Nodes nothing depends on are dropped. Each {@code Assign}
     * must have a {@code ReadValue} of the same variable.
     */
    public IrModel build() {
        checkOpen();
        List<Node> parameters = new ArrayList<>();
        List<Node> results = new ArrayList<>();
        List<Node> sinks = new ArrayList<>();
        Set<String> readVariables = new HashSet<>();
        for (Node n : created) {
            if (n.is("Parameter")) {
                parameters.add(n);
            } else if (n.is("Result")) {
                results.add(n);
            } else if (n.is("Assign")) {
                sinks.add(n);
            }
        }
        if (results.isEmpty() && sinks.isEmpty()) {
            throw new IrValidationException("a model needs at least one Result or Assign");
        }
        List<Node> roots = new ArrayList<>(results);
        roots.addAll(sinks);
        List<Node> ops = new ArrayList<>();
        Map<Node, Boolean> seen = new IdentityHashMap<>();
        for (Node p : parameters) {
            seen.put(p, true);
        }
        for (Node r : roots) {
            seen.put(r, true);
        }
        // Iterative post-order DFS: hostile inputs can hold chains far deeper than the thread stack.
        for (Node root : roots) {
            Deque<Object[]> stack = new ArrayDeque<>();
            stack.push(new Object[] {root, 0});
            while (!stack.isEmpty()) {
                Object[] top = stack.peek();
                Node n = (Node) top[0];
                int next = (Integer) top[1];
                if (next < n.inputs().size()) {
                    top[1] = next + 1;
                    Node src = n.inputs().get(next).node();
                    if (seen.put(src, true) == null) {
                        stack.push(new Object[] {src, 0});
                    }
                } else {
                    stack.pop();
                    if (n != root) {
                        ops.add(n);
                    }
                }
            }
        }
        for (Node n : ops) {
            if (n.is("ReadValue")) {
                readVariables.add(n.attributes().getString("variable_id"));
            }
        }
        for (Node s : sinks) {
            String variable = s.attributes().getString("variable_id");
            if (!readVariables.contains(variable)) {
                throw new IrValidationException(s.type() + " \"" + s.name() + "\" assigns variable '" + variable
                        + "' that no ReadValue reads");
            }
        }
        List<Node> order = new ArrayList<>(parameters);
        order.addAll(ops);
        order.addAll(sinks);
        order.addAll(results);
        built = true;
        return new IrModel(name, order, parameters, results, sinks, rtInfo);
    }

    private void checkOpen() {
        if (built) {
            throw new IllegalStateException("the model was already built");
        }
    }

    private void checkOwned(Node node) {
        checkOpen();
        if (node.owner() != this) {
            throw new IllegalArgumentException(node + " belongs to another graph");
        }
    }

    private record Context(OpType op, Attributes attributes, List<PortType> inputs, List<NodeOutput> sources)
            implements InferenceContext {
        @Override
        public Optional<long[]> constantValues(int i) {
            return knownValues(sources.get(i));
        }

        @Override
        public Optional<double[]> constantReals(int i) {
            return knownReals(sources.get(i));
        }
    }

    /** Floating-point Constants (through Converts, e.g. of f16 weights) as doubles, when small enough. */
    static Optional<double[]> knownReals(NodeOutput source) {
        Node n = source.node();
        int hops = 0;
        while (n.is("Convert") && hops++ < 64) {
            n = n.input(0).node();
        }
        if (!n.is("Constant") || !n.outputs().get(0).type().isReal()) {
            return Optional.empty();
        }
        long count = n.outputs().get(0).shape().elementCount().orElse(Long.MAX_VALUE);
        if (count > MAX_CONSTANT_VALUES) {
            return Optional.empty();
        }
        return Optional.of(ConstantValues.toDoubles(n.outputs().get(0).type(), n.data().orElseThrow(), (int) count));
    }

    /** Values known while building: integer Constants, ShapeOf of a static shape, and Converts of those. */
    static Optional<long[]> knownValues(NodeOutput source) {
        Node n = source.node();
        int hops = 0;
        while (n.is("Convert") && hops++ < 64) {
            if (!n.outputs().get(0).type().isInteger()) {
                return Optional.empty();
            }
            n = n.input(0).node();
        }
        if (n.is("ShapeOf")) {
            PartialShape s = n.input(0).shape();
            return s.isStatic() ? Optional.of(s.lengths()) : Optional.empty();
        }
        if (n.is("Constant")) {
            ElementType t = n.outputs().get(0).type();
            long count = n.outputs().get(0).shape().elementCount().orElse(Long.MAX_VALUE);
            if (!t.isInteger() || count > MAX_CONSTANT_VALUES) {
                return Optional.empty();
            }
            return Optional.of(ConstantValues.toLongs(t, n.data().orElseThrow(), (int) count));
        }
        return Optional.empty();
    }
}
