package dev.adjoint.openvino.optimizer;

import dev.adjoint.openvino.ir.PartialShape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the per-input option syntax of {@code ovc} and {@code mo}: a comma-separated list of {@code name[...]}
 * (or {@code name(...)} for layouts), where the brackets' own commas do not separate entries, and a bare
 * {@code [...]} names the only input.
 */
final class InputSpecs {
    private InputSpecs() {
    }

    /** Name to bracket contents, in order; {@code ""} for an unnamed entry. */
    static Map<String, String> parse(String spec, String option) {
        return split(spec, option, '[', ']');
    }

    static Map<String, String> layouts(String spec) {
        String s = spec.strip();
        if (!s.contains("(") && !s.contains("[")) {
            // A bare layout for the only input: "NCHW".
            return Map.of("", s);
        }
        if (s.startsWith("[")) {
            return Map.of("", s);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : split(s, "--layout", s.contains("(") ? '(' : '[', s.contains("(") ? ')'
                : ']').entrySet()) {
            out.put(e.getKey(), s.contains("(") ? e.getValue() : "[" + e.getValue() + "]");
        }
        return out;
    }

    private static Map<String, String> split(String spec, String option, char open, char close) {
        Map<String, String> out = new LinkedHashMap<>();
        String s = spec.strip();
        if (s.isEmpty()) {
            throw new OptimizerException(option + " is empty");
        }
        int i = 0;
        while (i < s.length()) {
            int o = s.indexOf(open, i);
            int comma = s.indexOf(',', i);
            if (o < 0 || (comma >= 0 && comma < o)) {
                throw new OptimizerException(option + " '" + spec + "': expected name" + open + "..." + close
                        + " at '" + s.substring(i) + "', e.g. " + example(option));
            }
            int c = s.indexOf(close, o);
            if (c < 0) {
                throw new OptimizerException(option + " '" + spec + "': missing '" + close + "' after '"
                        + s.substring(o) + "'");
            }
            String name = s.substring(i, o).strip();
            if (out.put(name, s.substring(o + 1, c)) != null) {
                throw new OptimizerException(option + " '" + spec + "' names input '" + name + "' twice");
            }
            i = c + 1;
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (i < s.length()) {
                if (s.charAt(i) != ',') {
                    throw new OptimizerException(option + " '" + spec + "': expected ',' after '"
                            + s.substring(0, i) + "', found '" + s.substring(i) + "'");
                }
                i++;
                if (i >= s.length()) {
                    throw new OptimizerException(option + " '" + spec + "' ends with ','");
                }
            }
        }
        return out;
    }

    private static String example(String option) {
        return switch (option) {
            case "--input" -> "x[1,3,224,224]";
            case "--layout" -> "x(NCHW)";
            default -> "x[123.68,116.78,103.94]";
        };
    }

    /** A shape from {@code --input}: integers, {@code ?} or {@code -1} for dynamic, {@code a..b} for a range. */
    static PartialShape shape(String name, String dims) {
        try {
            return PartialShape.parse(dims);
        } catch (IllegalArgumentException e) {
            throw new OptimizerException("--input: bad shape [" + dims + "] for input '" + name + "': "
                    + e.getMessage());
        }
    }

    /** Name to values for {@code --mean_values}/{@code --scale_values}. */
    static Map<String, double[]> values(String spec, String option) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : parse(spec, option).entrySet()) {
            List<Double> v = new ArrayList<>();
            for (String part : e.getValue().split(",", -1)) {
                try {
                    double d = Double.parseDouble(part.strip());
                    if (!Double.isFinite(d)) {
                        throw new NumberFormatException();
                    }
                    v.add(d);
                } catch (NumberFormatException ex) {
                    throw new OptimizerException(option + ": '" + part.strip() + "' for input '" + e.getKey()
                            + "' is not a finite number");
                }
            }
            out.put(e.getKey(), v.stream().mapToDouble(Double::doubleValue).toArray());
        }
        return out;
    }
}
