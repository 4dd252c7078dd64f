package dev.adjoint.openvino.ir;

import java.util.SortedSet;

/** Output {@code index} of {@code node}: what an input of another node is connected to. */
public record NodeOutput(Node node, int index) {
    public NodeOutput {
        if (index < 0 || index >= node.outputs().size()) {
            throw new IndexOutOfBoundsException(node + " has no output " + index);
        }
    }

    public OutputPort port() {
        return node.outputs().get(index);
    }

    public ElementType type() {
        return port().type();
    }

    public PartialShape shape() {
        return port().shape();
    }

    public SortedSet<String> names() {
        return port().names();
    }

    public PortType portType() {
        return new PortType(type(), shape());
    }

    @Override
    public String toString() {
        return node + ":" + index;
    }
}
