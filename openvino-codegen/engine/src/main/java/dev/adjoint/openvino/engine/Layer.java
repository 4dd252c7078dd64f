package dev.adjoint.openvino.engine;

import dev.adjoint.openvino.ir.Attributes;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.Node;
import dev.adjoint.openvino.ir.PartialShape;
import java.util.List;

/**
 * What a {@link Kernel} sees of its layer: the IR node's attributes and declared outputs, and which outputs the
 * model reads (a kernel may return null for an output nobody reads, e.g. MaxPool's indices).
 */
record Layer(Node node, boolean[] used) {
    Layer(Node node) {
        this(node, null);
    }

    /** Whether the model reads output {@code i} (true when unknown). */
    boolean outputUsed(int i) {
        return used == null || used[i];
    }

    Attributes attrs() {
        return node.attributes();
    }

    String name() {
        return node.name();
    }

    ElementType outputType(int i) {
        return node.outputs().get(i).type();
    }

    PartialShape outputShape(int i) {
        return node.outputs().get(i).shape();
    }

    long getLong(String attribute) {
        return attrs().getLong(attribute);
    }

    double getDouble(String attribute) {
        return attrs().getDouble(attribute);
    }

    boolean getBool(String attribute) {
        return attrs().getBool(attribute);
    }

    String getString(String attribute) {
        return attrs().getString(attribute);
    }

    List<Long> getLongs(String attribute) {
        return attrs().getLongs(attribute);
    }

    List<Double> getDoubles(String attribute) {
        return attrs().getDoubles(attribute);
    }

    /** "layer 'conv1' (Convolution-1)": how errors name a layer. */
    String describe() {
        return describe(node);
    }

    static String describe(Node n) {
        return "layer '" + n.name() + "' (" + n.type() + ")";
    }

    /** An error about this layer's inputs or attributes, thrown from a kernel. */
    IllegalArgumentException fail(String rule) {
        return new IllegalArgumentException(rule);
    }
}
