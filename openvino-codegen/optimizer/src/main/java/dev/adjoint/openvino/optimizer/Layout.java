package dev.adjoint.openvino.optimizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A tensor layout as OpenVINO spells it: one letter per dimension ({@code NCHW}, {@code nhwc}, {@code ?C??}) or
 * bracketed names ({@code [N,C,H,W]}). Only the channel dimension {@code C} matters to preprocessing.
 *
 * @param dims the dimension names, upper case ({@code "?"} for an unnamed one)
 */
public record Layout(List<String> dims) {
    public Layout {
        dims = List.copyOf(dims);
    }

    /**
     * Parses a layout.
     *
     * @throws OptimizerException naming what is wrong: empty, a character that is not a letter or {@code ?}, a
     *     repeated name, or a layout conversion ({@code nhwc->nchw}, not supported)
     */
    public static Layout parse(String text) {
        String s = text.strip();
        if (s.contains("->")) {
            throw new OptimizerException("layout '" + text + "': layout conversion (source->target) is not supported;"
                    + " give the model input's layout, e.g. NCHW");
        }
        List<String> dims = new ArrayList<>();
        if (s.startsWith("[") && s.endsWith("]")) {
            for (String part : s.substring(1, s.length() - 1).split(",", -1)) {
                String d = part.strip().toUpperCase(Locale.ROOT);
                if (!d.matches("\\?|[A-Z][A-Z0-9_]*")) {
                    throw new OptimizerException("layout '" + text + "': bad dimension name '" + part.strip()
                            + "' (expected a name such as N, C, H, W, or ?)");
                }
                dims.add(d);
            }
        } else {
            for (char c : s.toCharArray()) {
                if (c != '?' && !Character.isLetter(c)) {
                    throw new OptimizerException("layout '" + text + "': '" + c + "' is not a dimension letter"
                            + " (expected letters such as NCHW or NHWC, ? for any, or [N,C,H,W])");
                }
                dims.add(String.valueOf(c).toUpperCase(Locale.ROOT));
            }
        }
        if (dims.isEmpty()) {
            throw new OptimizerException("layout '" + text + "' is empty (expected e.g. NCHW)");
        }
        for (int i = 0; i < dims.size(); i++) {
            if (!dims.get(i).equals("?") && dims.indexOf(dims.get(i)) != i) {
                throw new OptimizerException("layout '" + text + "' names dimension " + dims.get(i) + " twice");
            }
        }
        return new Layout(dims);
    }

    public int rank() {
        return dims.size();
    }

    /** The axis of {@code C}, or -1. */
    public int channelAxis() {
        return dims.indexOf("C");
    }

    /** {@code [N,C,H,W]}: how the IR's {@code layout} runtime info spells it. */
    @Override
    public String toString() {
        return "[" + String.join(",", dims) + "]";
    }
}
