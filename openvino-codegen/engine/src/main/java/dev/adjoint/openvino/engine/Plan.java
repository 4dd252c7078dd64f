package dev.adjoint.openvino.engine;

import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.Node;
import dev.adjoint.openvino.ir.PartialShape;
import dev.adjoint.spi.Storage;
import java.util.List;
import java.util.Set;

/**
 * A compiled model's schedule: the steps in topological order with their inputs resolved to slots of a request's
 * value table or to folded constants, and after each step the slots whose values are dead. Immutable; shared by
 * every request of the compiled model.
 *
 * @param steps what runs, in order
 * @param slotCount the size of a request's value table
 * @param parameterSlots the slot of each model input
 * @param outputs what each model output is: a slot or a constant
 * @param variables the state variables the model reads (ReadValue) and writes (Assign)
 * @param constantStorages the storages of constants (an identity set): never released by a request
 * @param summary what compilation did, for tools
 */
record Plan(List<Step> steps, int slotCount, int[] parameterSlots, List<Operand> outputs, List<Variable> variables,
        Set<Storage> constantStorages, CompileSummary summary) {

    /** Where a step input comes from. */
    sealed interface Operand {
    }

    /** A value computed by an earlier step (or a model input), held in a request's value table. */
    record SlotRef(int slot) implements Operand {
    }

    /** A value known when compiling: a weight, or the result of a folded subgraph. */
    record Const(OvTensor value) implements Operand {
    }

    enum Kind { OP, READ_VALUE, ASSIGN }

    /**
     * One layer to run.
     *
     * @param freeAfter the slots last used by this step, whose values the request drops once it ran
     * @param execType the types of the layers this step computes, joined by {@code +} (profiling's exec type)
     */
    record Step(Node node, Kind kind, Kernel kernel, List<Operand> inputs, int[] outputSlots, int[] freeAfter,
            Layer layer, String execType) {
        Step(Node node, Kind kind, Kernel kernel, List<Operand> inputs, int[] outputSlots, int[] freeAfter,
                Layer layer) {
            this(node, kind, kernel, inputs, outputSlots, freeAfter, layer, node.type().name());
        }
    }

    /**
     * A state variable.
     *
     * @param initial the initializer's value when it is a constant (else null: it depends on inputs, or is zeros)
     */
    record Variable(String id, ElementType type, PartialShape shape, OvTensor initial) {
    }

}
