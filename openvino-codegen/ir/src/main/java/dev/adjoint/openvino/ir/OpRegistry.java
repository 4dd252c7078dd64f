package dev.adjoint.openvino.ir;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The known op versions, and which version each opset holds. A layer's {@code version="opsetN"} resolves to the
 * version of its type in opset N (MaxPool in opset8..13 is MaxPool-8, in opset14 MaxPool-14); type names match
 * case-insensitively, and the IR spellings {@code Const}, {@code ReLU}, {@code SoftMax}, {@code PReLU} stand for
 * {@code Constant}, {@code Relu}, {@code Softmax}, {@code PRelu}.
 */
public final class OpRegistry {
    /** The newest opset whose contents this registry models. */
    public static final int MAX_OPSET = 15;

    private static final Map<String, String> IR_TO_OPENVINO = Map.of(
            "const", "Constant", "relu", "Relu", "softmax", "Softmax", "prelu", "PRelu");
    private static final Map<String, String> OPENVINO_TO_IR = Map.of(
            "Constant", "Const", "Relu", "ReLU", "Softmax", "SoftMax", "PRelu", "PReLU");

    private static final OpRegistry STANDARD = new OpRegistry(Ops.all());

    private final Map<OpType, OpDefinition> byType = new LinkedHashMap<>();
    /** Lower-case type name to the versions of that op, for opset resolution. */
    private final Map<String, List<OpDefinition>> byName = new HashMap<>();

    public OpRegistry(Collection<OpDefinition> definitions) {
        for (OpDefinition d : definitions) {
            if (byType.put(d.type(), d) != null) {
                throw new IllegalArgumentException("duplicate definition of " + d.type());
            }
            byName.computeIfAbsent(d.type().name().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(d);
        }
    }

    /** The ops this module supports. */
    public static OpRegistry standard() {
        return STANDARD;
    }

    public OpDefinition definition(OpType type) {
        return byType.get(type);
    }

    public Collection<OpDefinition> definitions() {
        return Collections.unmodifiableCollection(byType.values());
    }

    /**
     * The op an IR layer means by {@code type} in opset {@code opset}, or null when that opset has no such op
     * (or this registry does not know it).
     */
    public OpDefinition resolve(String irType, int opset) {
        String lower = irType.toLowerCase(Locale.ROOT);
        String name = IR_TO_OPENVINO.getOrDefault(lower, null);
        List<OpDefinition> versions = byName.get(name != null ? name.toLowerCase(Locale.ROOT) : lower);
        if (versions == null) {
            return null;
        }
        for (OpDefinition d : versions) {
            if (opset >= d.firstOpset() && opset <= d.lastOpset()) {
                return d;
            }
        }
        return null;
    }

    /** The {@code type} an IR layer spells for this op ({@code Const} for Constant, {@code ReLU} for Relu...). */
    public static String irTypeName(OpType type) {
        return OPENVINO_TO_IR.getOrDefault(type.name(), type.name());
    }
}
