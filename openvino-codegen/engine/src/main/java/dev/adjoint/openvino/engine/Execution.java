package dev.adjoint.openvino.engine;

import dev.adjoint.core.Shape;
import dev.adjoint.Tensor;
import dev.adjoint.openvino.ir.Dimension;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.PartialShape;
import dev.adjoint.openvino.engine.Plan.Const;
import dev.adjoint.openvino.engine.Plan.Operand;
import dev.adjoint.openvino.engine.Plan.SlotRef;
import dev.adjoint.openvino.engine.Plan.Step;
import dev.adjoint.spi.Storage;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run of a {@link Plan}: a value table of slots filled step by step. A value is dropped after its last reader
 * ran, and its storage released (device memory freed at once) when no other live value shares it and it is not
 * a model input, a constant or a state.
 */
final class Execution {
    private final Plan plan;
    private final OvTensor[] slots;
    private final Map<Storage, Integer> references = new IdentityHashMap<>();
    private final Map<Storage, Boolean> pinned = new IdentityHashMap<>();

    private final dev.adjoint.core.Device device;

    private Execution(Plan plan, dev.adjoint.core.Device device) {
        this.plan = plan;
        this.device = device;
        this.slots = new OvTensor[plan.slotCount()];
    }

    /** The outputs, and the variables the Assign layers wrote (committed by the caller when everything ran). */
    record Result(List<OvTensor> outputs, Map<String, OvTensor> assigned) {
    }

    static Result run(Plan plan, dev.adjoint.core.Device device, OvTensor[] inputs, Map<String, OvTensor> state) {
        return run(plan, device, inputs, state, null);
    }

    /** The same, writing each step's wall time in nanoseconds into {@code stepNanos} (one per plan step) if not null. */
    static Result run(Plan plan, dev.adjoint.core.Device device, OvTensor[] inputs, Map<String, OvTensor> state,
            long[] stepNanos) {
        return new Execution(plan, device).run(inputs, state, stepNanos);
    }

    private Result run(OvTensor[] inputs, Map<String, OvTensor> state, long[] stepNanos) {
        for (int i = 0; i < inputs.length; i++) {
            pin(inputs[i]);
            set(plan.parameterSlots()[i], inputs[i]);
        }
        for (OvTensor s : state.values()) {
            pin(s);
        }
        Map<String, OvTensor> assigned = new java.util.LinkedHashMap<>();
        List<Step> steps = plan.steps();
        for (int index = 0; index < steps.size(); index++) {
            Step step = steps.get(index);
            List<OvTensor> in = new ArrayList<>(step.inputs().size());
            for (Operand o : step.inputs()) {
                in.add(value(o));
            }
            Layer layer = step.layer();
            switch (step.kind()) {
                case READ_VALUE -> {
                    String id = layer.getString("variable_id");
                    OvTensor v = state.get(id);
                    if (v == null) {
                        v = in.isEmpty() ? zeros(layer, device) : in.get(0);
                    }
                    pin(v);
                    set(step.outputSlots()[0], v);
                }
                case ASSIGN -> assigned.put(layer.getString("variable_id"), in.get(0));
                case OP -> {
                    List<OvTensor> out;
                    long start = stepNanos != null ? System.nanoTime() : 0;
                    try {
                        out = conform(layer, step.kernel().run(layer, in));
                        if (stepNanos != null) {
                            stepNanos[index] = System.nanoTime() - start;
                        }
                    } catch (IllegalArgumentException | ArithmeticException e) {
                        throw new EngineException(layer.describe() + ": " + e.getMessage() + " (inputs "
                                + describe(in) + ")", e);
                    }
                    for (int i = 0; i < out.size(); i++) {
                        set(step.outputSlots()[i], out.get(i));
                    }
                }
            }
            for (int s : step.freeAfter()) {
                drop(s);
            }
        }
        List<OvTensor> outputs = new ArrayList<>(plan.outputs().size());
        for (Operand o : plan.outputs()) {
            outputs.add(value(o));
        }
        return new Result(outputs, assigned);
    }

    /**
     * Converts a kernel's results to the declared output types and checks them against the declared shapes
     * (dynamic dimensions accept any length).
     */
    static List<OvTensor> conform(Layer layer, List<Tensor> out) {
        int expected = layer.node().outputs().size();
        if (out.size() != expected) {
            throw new IllegalStateException(layer.describe() + ": the kernel made " + out.size()
                    + " outputs, the op has " + expected);
        }
        List<OvTensor> result = new ArrayList<>(out.size());
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i) == null) {
                if (layer.outputUsed(i)) {
                    throw new IllegalStateException(layer.describe() + ": the kernel made no output " + i);
                }
                result.add(null);
                continue;
            }
            ElementType type = layer.outputType(i);
            Tensor t = ElementTypes.conform(out.get(i), type);
            PartialShape declared = layer.outputShape(i);
            if (!fits(declared, t.shape())) {
                throw new IllegalArgumentException("output " + i + " has shape " + t.shape()
                        + ", which does not fit the model's " + declared);
            }
            result.add(OvTensor.trusted(type, t));
        }
        return result;
    }

    static boolean fits(PartialShape declared, Shape actual) {
        if (declared.isRankDynamic()) {
            return true;
        }
        if (declared.rank() != actual.rank()) {
            return false;
        }
        for (int i = 0; i < actual.rank(); i++) {
            Dimension d = declared.get(i);
            if (!d.contains(actual.dim(i))) {
                return false;
            }
        }
        return true;
    }

    private static OvTensor zeros(Layer layer, dev.adjoint.core.Device device) {
        PartialShape shape = layer.outputShape(0);
        if (!shape.isStatic()) {
            throw new IllegalArgumentException("variable '" + layer.getString("variable_id")
                    + "' has no initializer and no static variable_shape " + shape + " to start from zeros");
        }
        ElementType type = layer.outputType(0);
        Tensor z = Tensor.zeros(ElementTypes.carrier(type), OpTable.ints(shape.lengths())).to(device);
        return OvTensor.trusted(type, z);
    }

    private OvTensor value(Operand o) {
        return switch (o) {
            case Const c -> c.value();
            case SlotRef r -> {
                OvTensor v = slots[r.slot()];
                if (v == null) {
                    throw new IllegalStateException("slot " + r.slot() + " read before it was written or after it died");
                }
                yield v;
            }
        };
    }

    private void pin(OvTensor t) {
        pinned.put(t.tensor().storage(), Boolean.TRUE);
    }

    private void set(int slot, OvTensor value) {
        if (value == null) {
            return;
        }
        slots[slot] = value;
        Storage s = value.tensor().storage();
        if (FREES_MEMORY.get(s.getClass())) {
            references.merge(s, 1, Integer::sum);
        }
    }

    /**
     * Whether a storage class frees anything in {@link Storage#release()}; for those that inherit the no-op (the
     * CPU's arrays, which the garbage collector frees), dropping the reference is all there is to do.
     */
    private static final ClassValue<Boolean> FREES_MEMORY = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            try {
                return type.getMethod("release").getDeclaringClass() != Storage.class;
            } catch (NoSuchMethodException e) {
                return true;
            }
        }
    };

    private void drop(int slot) {
        OvTensor v = slots[slot];
        if (v == null) {
            return;
        }
        slots[slot] = null;
        Storage s = v.tensor().storage();
        if (!FREES_MEMORY.get(s.getClass())) {
            return;
        }
        int left = references.merge(s, -1, Integer::sum);
        if (left <= 0) {
            references.remove(s);
            if (!pinned.containsKey(s) && !plan.constantStorages().contains(s)) {
                s.release();
            }
        }
    }


    private static String describe(List<OvTensor> in) {
        StringBuilder sb = new StringBuilder();
        for (OvTensor t : in) {
            sb.append(sb.isEmpty() ? "" : ", ").append(t.elementType()).append(t.shape());
        }
        return sb.toString();
    }
}
