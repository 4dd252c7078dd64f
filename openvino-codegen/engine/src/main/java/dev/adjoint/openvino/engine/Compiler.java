package dev.adjoint.openvino.engine;

import dev.adjoint.core.Device;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.openvino.ir.Node;
import dev.adjoint.openvino.ir.NodeOutput;
import dev.adjoint.openvino.ir.PartialShape;
import dev.adjoint.openvino.engine.Plan.Const;
import dev.adjoint.openvino.engine.Plan.Kind;
import dev.adjoint.openvino.engine.Plan.Operand;
import dev.adjoint.openvino.engine.Plan.SlotRef;
import dev.adjoint.openvino.engine.Plan.Step;
import dev.adjoint.spi.Storage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Turns a graph into a {@link Plan}: every op must have a kernel (else an error naming the layer), weights are
 * uploaded to the device once, subgraphs of constants (and ShapeOf of static shapes) are evaluated once, the rest
 * is scheduled in the graph's topological order, and each value is dropped after its last use.
 */
final class Compiler {
    private final OpTable table;
    private final Device device;
    private final boolean fuse;

    Compiler(OpTable table, Device device) {
        this(table, device, true);
    }

    /** With {@code fuse} false, every layer is its own step (tests compare the two). */
    Compiler(OpTable table, Device device, boolean fuse) {
        this.table = table;
        this.device = device;
        this.fuse = fuse;
    }

    Plan compile(IrModel graph) {
        Map<Node, boolean[]> used = usedOutputs(graph);
        Map<Node, Operand[]> values = new IdentityHashMap<>();
        Map<Integer, PartialShape> slotShapes = new LinkedHashMap<>();
        Map<Integer, ElementType> slotTypes = new LinkedHashMap<>();
        List<Step> steps = new ArrayList<>();
        List<Operand> outputs = new ArrayList<>();
        Map<String, Plan.Variable> variables = new LinkedHashMap<>();
        int[] parameterSlots = new int[graph.parameters().size()];
        int slots = 0;
        int folded = 0;
        long constantBytes = 0;
        for (Node n : graph.nodes()) {
            if (n.is("Parameter")) {
                int slot = slots++;
                parameterSlots[graph.parameters().indexOf(n)] = slot;
                values.put(n, new Operand[] {new SlotRef(slot)});
                slotShapes.put(slot, n.outputs().get(0).shape());
                slotTypes.put(slot, n.outputs().get(0).type());
            } else if (n.is("Constant")) {
                OvTensor c = upload(n);
                constantBytes += bytes(c);
                values.put(n, new Operand[] {new Const(c)});
            } else if (n.is("Result")) {
                Operand o = operand(values, n.input(0));
                outputs.add(o);
                values.put(n, new Operand[0]);
            } else if (n.is("ReadValue") || n.is("Assign")) {
                String id = n.attributes().getString("variable_id");
                List<Operand> inputs = inputs(values, n);
                if (n.is("ReadValue")) {
                    int slot = slots++;
                    slotShapes.put(slot, n.outputs().get(0).shape());
                    slotTypes.put(slot, n.outputs().get(0).type());
                    values.put(n, new Operand[] {new SlotRef(slot)});
                    OvTensor initial = !inputs.isEmpty() && inputs.get(0) instanceof Const k ? k.value() : null;
                    variables.putIfAbsent(id, new Plan.Variable(id, n.outputs().get(0).type(),
                            n.outputs().get(0).shape(), initial));
                    steps.add(new Step(n, Kind.READ_VALUE, null, inputs, new int[] {slot}, null, new Layer(n)));
                } else {
                    values.put(n, new Operand[0]);
                    steps.add(new Step(n, Kind.ASSIGN, null, inputs, new int[0], null, new Layer(n)));
                }
            } else {
                Kernel kernel = table.kernel(n.type());
                if (kernel == null) {
                    throw new EngineException(Layer.describe(n) + " is not supported by the engine: no kernel for "
                            + n.type() + " (supported: " + table.supported() + ")");
                }
                List<Operand> inputs = inputs(values, n);
                Layer layer = new Layer(n, used.get(n));
                Operand[] out = foldable(n, inputs) ? fold(layer, kernel, inputs) : null;
                if (out != null) {
                    folded++;
                    for (Operand o : out) {
                        if (o != null) {
                            constantBytes += bytes(((Const) o).value());
                        }
                    }
                } else {
                    out = new Operand[n.outputs().size()];
                    int[] outSlots = new int[out.length];
                    for (int i = 0; i < out.length; i++) {
                        outSlots[i] = slots++;
                        out[i] = new SlotRef(outSlots[i]);
                        slotShapes.put(outSlots[i], n.outputs().get(i).shape());
                        slotTypes.put(outSlots[i], n.outputs().get(i).type());
                    }
                    steps.add(new Step(n, Kind.OP, kernel, inputs, outSlots, null, layer));
                }
                values.put(n, out);
            }
        }
        for (Node s : graph.sinks()) {
            if (!s.is("Assign")) {
                throw new EngineException(Layer.describe(s) + " is a sink the engine does not support");
            }
        }
        List<Step> scheduled = withLiveness(fuse
                ? Fusion.fuse(BlockFusion.fuse(EpilogueFusion.fuse(steps, outputs), outputs), outputs) : steps,
                slots, outputs);
        long peak = peakBytes(scheduled, parameterSlots, slotShapes, slotTypes);
        CompileSummary summary = new CompileSummary(graph.nodes().size(), scheduled.size(), folded, constantBytes, peak);
        Set<Storage> constants = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Operand[] os : values.values()) {
            for (Operand o : os) {
                // An unread output of a folded layer may be null.
                if (o instanceof Const c) {
                    constants.add(c.value().tensor().storage());
                }
            }
        }
        return new Plan(List.copyOf(scheduled), slots, parameterSlots, List.copyOf(outputs),
                List.copyOf(variables.values()), Collections.unmodifiableSet(constants), summary);
    }

    /** For each node, which of its outputs another node or a Result reads. */
    private static Map<Node, boolean[]> usedOutputs(IrModel graph) {
        Map<Node, boolean[]> used = new IdentityHashMap<>();
        for (Node n : graph.nodes()) {
            used.put(n, new boolean[n.outputs().size()]);
        }
        for (Node n : graph.nodes()) {
            for (NodeOutput in : n.inputs()) {
                used.get(in.node())[in.index()] = true;
            }
        }
        return used;
    }

    private static Operand operand(Map<Node, Operand[]> values, NodeOutput source) {
        return values.get(source.node())[source.index()];
    }

    private static List<Operand> inputs(Map<Node, Operand[]> values, Node n) {
        List<Operand> out = new ArrayList<>(n.inputs().size());
        for (NodeOutput in : n.inputs()) {
            out.add(operand(values, in));
        }
        return out;
    }

    private static boolean foldable(Node n, List<Operand> inputs) {
        if (n.is("ShapeOf")) {
            return n.input(0).shape().isStatic();
        }
        return inputs.stream().allMatch(Const.class::isInstance);
    }

    /** Runs a layer whose inputs are all known now (the code {@link ConstantFolder} offers to tools). */
    private Operand[] fold(Layer layer, Kernel kernel, List<Operand> inputs) {
        List<OvTensor> in = new ArrayList<>();
        if (!layer.node().is("ShapeOf")) {
            for (Operand o : inputs) {
                in.add(((Const) o).value());
            }
        }
        List<OvTensor> conformed = ConstantFolder.run(layer, kernel, in, device);
        Operand[] result = new Operand[conformed.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = conformed.get(i) == null ? null : new Const(conformed.get(i));
        }
        return result;
    }

    private OvTensor upload(Node constant) {
        ElementType type = constant.outputs().get(0).type();
        long[] dims = constant.outputs().get(0).shape().lengths();
        try {
            int[] shape = OpTable.ints(dims);
            OvTensor host = OvTensor.fromBytes(type, shape, constant.data().orElseThrow());
            return OvTensor.trusted(type, host.tensor().to(device));
        } catch (ArithmeticException | IllegalArgumentException e) {
            throw new EngineException(Layer.describe(constant) + ": cannot hold a constant of shape "
                    + Arrays.toString(dims) + ": " + e.getMessage(), e);
        }
    }

    private static long bytes(OvTensor t) {
        return t.size() * t.tensor().dtype().byteSize();
    }

    /** Adds to each step the slots it is the last reader of; model outputs stay to the end. */
    private static List<Step> withLiveness(List<Step> steps, int slotCount, List<Operand> outputs) {
        int[] lastUse = new int[slotCount];
        Arrays.fill(lastUse, -1);
        for (int i = 0; i < steps.size(); i++) {
            for (Operand o : steps.get(i).inputs()) {
                if (o instanceof SlotRef r) {
                    lastUse[r.slot()] = i;
                }
            }
            for (int s : steps.get(i).outputSlots()) {
                // A value nothing reads dies where it is made.
                lastUse[s] = Math.max(lastUse[s], i);
            }
        }
        for (Operand o : outputs) {
            if (o instanceof SlotRef r) {
                lastUse[r.slot()] = Integer.MAX_VALUE;
            }
        }
        List<List<Integer>> dying = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            dying.add(new ArrayList<>());
        }
        for (int s = 0; s < slotCount; s++) {
            if (lastUse[s] >= 0 && lastUse[s] < steps.size()) {
                dying.get(lastUse[s]).add(s);
            }
        }
        List<Step> out = new ArrayList<>(steps.size());
        for (int i = 0; i < steps.size(); i++) {
            Step st = steps.get(i);
            int[] free = dying.get(i).stream().mapToInt(Integer::intValue).toArray();
            out.add(new Step(st.node(), st.kind(), st.kernel(), st.inputs(), st.outputSlots(), free, st.layer(),
                    st.execType()));
        }
        return out;
    }

    /** The most bytes of step results alive at once (model inputs excluded), or -1 when a shape is dynamic. */
    private static long peakBytes(List<Step> steps, int[] parameterSlots, Map<Integer, PartialShape> shapes,
            Map<Integer, ElementType> types) {
        long live = 0;
        long peak = 0;
        for (Step st : steps) {
            for (int s : st.outputSlots()) {
                OptionalLong count = shapes.get(s).elementCount();
                if (count.isEmpty()) {
                    return -1;
                }
                live += count.getAsLong() * ElementTypes.carrier(types.get(s)).byteSize();
            }
            peak = Math.max(peak, live);
            for (int s : st.freeAfter()) {
                if (Arrays.stream(parameterSlots).noneMatch(p -> p == s)) {
                    live -= shapes.get(s).elementCount().orElse(0) * ElementTypes.carrier(types.get(s)).byteSize();
                }
            }
        }
        return peak;
    }
}
