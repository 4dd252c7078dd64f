package dev.adjoint.openvino.ir;

import java.util.Map;

/**
 * One runtime-info attribute of a layer or port, {@code <attribute name="fused_names" version="0" value="a,b"/>}:
 * its version and its other XML attributes in order ({@code value="..."}, {@code layout="..."}, or none, as for
 * {@code decompression}).
 */
public record RtAttribute(String version, Map<String, String> values) {
    public RtAttribute {
        values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
    }

    public static RtAttribute of(String version) {
        return new RtAttribute(version, Map.of());
    }

    public static RtAttribute of(String version, String value) {
        return new RtAttribute(version, Map.of("value", value));
    }
}
