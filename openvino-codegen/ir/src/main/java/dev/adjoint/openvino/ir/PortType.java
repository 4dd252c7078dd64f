package dev.adjoint.openvino.ir;

/** The element type and partial shape of a value flowing along an edge. */
public record PortType(ElementType type, PartialShape shape) {
    @Override
    public String toString() {
        return type + shape.toString();
    }
}
