package dev.adjoint.openvino.ir;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The typed {@code <data>} attributes of a node, in the order the op declares them. Values are {@code Long},
 * {@code Double}, {@code Boolean}, {@code String}, {@code List<Long>}, {@code List<Double>}, {@link ElementType}
 * or {@link PartialShape}; equality is structural.
 */
public final class Attributes {
    private static final Attributes EMPTY = new Attributes(Map.of());

    private final Map<String, Object> values;

    private Attributes(Map<String, Object> values) {
        this.values = values;
    }

    public static Attributes empty() {
        return EMPTY;
    }

    /** Pairs of name and value: {@code Attributes.of("axis", 1L, "keep_dims", true)}. */
    public static Attributes of(Object... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("Attributes.of takes name/value pairs");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            m.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return new Attributes(Collections.unmodifiableMap(m));
    }

    static Attributes ofMap(Map<String, Object> values) {
        return new Attributes(Collections.unmodifiableMap(new LinkedHashMap<>(values)));
    }

    public Map<String, Object> asMap() {
        return values;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public Object get(String name) {
        return values.get(name);
    }

    public long getLong(String name) {
        return (Long) require(name);
    }

    public double getDouble(String name) {
        return (Double) require(name);
    }

    public boolean getBool(String name) {
        return (Boolean) require(name);
    }

    public String getString(String name) {
        return (String) require(name);
    }

    @SuppressWarnings("unchecked")
    public List<Long> getLongs(String name) {
        return (List<Long>) require(name);
    }

    @SuppressWarnings("unchecked")
    public List<Double> getDoubles(String name) {
        return (List<Double>) require(name);
    }

    public ElementType getElementType(String name) {
        return (ElementType) require(name);
    }

    public PartialShape getShape(String name) {
        return (PartialShape) require(name);
    }

    private Object require(String name) {
        Object v = values.get(name);
        if (v == null) {
            throw new IllegalStateException("no attribute " + name);
        }
        return v;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Attributes a && values.equals(a.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
