package dev.adjoint.openvino.ir;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/** An output of a node: its inferred element type and partial shape, tensor names, and runtime info. */
public final class OutputPort {
    private final ElementType type;
    private final PartialShape shape;
    private final TreeSet<String> names = new TreeSet<>();
    private final Map<String, RtAttribute> rtInfo = new LinkedHashMap<>();

    OutputPort(PortType portType) {
        this.type = portType.type();
        this.shape = portType.shape();
    }

    public ElementType type() {
        return type;
    }

    public PartialShape shape() {
        return shape;
    }

    /** Tensor names, sorted (the writer emits them in this order). */
    public SortedSet<String> names() {
        return Collections.unmodifiableSortedSet(names);
    }

    public Map<String, RtAttribute> rtInfo() {
        return Collections.unmodifiableMap(rtInfo);
    }

    void setNames(java.util.Collection<String> newNames) {
        names.clear();
        names.addAll(newNames);
    }

    void putRtInfo(String key, RtAttribute value) {
        rtInfo.put(key, value);
    }

    @Override
    public String toString() {
        return type + shape.toString() + (names.isEmpty() ? "" : " " + names);
    }
}
