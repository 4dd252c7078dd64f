package dev.adjoint.openvino.ir;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A value of the model-level {@code <rt_info>} (or legacy {@code <meta_data>}) tree: a string leaf, or a section
 * of named children in document order.
 */
public sealed interface MetaValue {
    record Leaf(String value) implements MetaValue {
    }

    record Section(Map<String, MetaValue> children) implements MetaValue {
        public Section {
            children = Collections.unmodifiableMap(new LinkedHashMap<>(children));
        }
    }
}
