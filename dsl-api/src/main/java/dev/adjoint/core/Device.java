package dev.adjoint.core;

import java.util.Objects;

/**
 * Where a tensor's memory lives: {@code cpu}, or {@code cuda:0}, {@code cuda:1}, ...
 *
 * @param type the backend family, e.g. {@code "cpu"} or {@code "cuda"}
 * @param index the device ordinal within that family (0 for the CPU)
 */
public record Device(String type, int index) {
    public static final Device CPU = new Device("cpu", 0);

    public Device {
        Objects.requireNonNull(type, "type");
        if (index < 0) {
            throw new IllegalArgumentException("device index must be >= 0, got " + index);
        }
    }

    public static Device cuda(int index) {
        return new Device("cuda", index);
    }

    /** Parses {@code "cpu"}, {@code "cuda"} or {@code "cuda:1"}. */
    public static Device parse(String spec) {
        int colon = spec.indexOf(':');
        if (colon < 0) {
            return new Device(spec, 0);
        }
        try {
            return new Device(spec.substring(0, colon), Integer.parseInt(spec.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad device '" + spec + "': expected e.g. cpu or cuda:0", e);
        }
    }

    @Override
    public String toString() {
        return type.equals("cpu") ? "cpu" : type + ":" + index;
    }
}
