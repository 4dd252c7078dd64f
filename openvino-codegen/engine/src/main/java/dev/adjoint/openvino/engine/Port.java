package dev.adjoint.openvino.engine;

import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.PartialShape;
import java.util.SortedSet;

/**
 * An input or output of a model: its position, tensor names, element type and (partial) shape, and the friendly
 * name of its Parameter or Result layer. OpenVINO's {@code ov::Output<Node>}.
 *
 * @param index the position among the model's inputs or outputs
 * @param names the tensor names, sorted; may be empty
 * @param friendlyName the layer's name ({@code name="..."} of the Parameter or Result)
 */
public record Port(int index, SortedSet<String> names, String friendlyName, ElementType elementType,
        PartialShape partialShape) {

    public Port {
        names = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(names));
    }

    /** The first tensor name, or the layer's friendly name when the tensor has none. */
    public String anyName() {
        return names.isEmpty() ? friendlyName : names.first();
    }

    /** True when {@code name} is one of the tensor names or the friendly name. */
    public boolean hasName(String name) {
        return names.contains(name) || friendlyName.equals(name);
    }

    @Override
    public String toString() {
        return "'" + anyName() + "' " + elementType + partialShape;
    }
}
