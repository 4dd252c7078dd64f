package dev.adjoint.openvino.ir;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One {@code <data>} attribute an op declares: its name, kind, and either a default (used when the IR omits it,
 * as OpenVINO keeps an op's default) or none, when the attribute is required or optional.
 */
public record AttributeSpec(String name, Kind kind, Object defaultValue, Presence presence, Set<String> choices) {

    /** How a value is spelled in XML. */
    public enum Kind { INT, FLOAT, BOOL, STRING, ENUM, INTS, FLOATS, ELEMENT_TYPE, PARTIAL_SHAPE }

    /** What happens when the IR omits the attribute. */
    public enum Presence { DEFAULTED, REQUIRED, OPTIONAL }

    /** A list attribute longer than this is refused (hostile input must not allocate unboundedly). */
    static final int MAX_LIST = 1 << 16;

    public static AttributeSpec integer(String name, long dflt) {
        return new AttributeSpec(name, Kind.INT, dflt, Presence.DEFAULTED, Set.of());
    }

    public static AttributeSpec requiredInteger(String name) {
        return new AttributeSpec(name, Kind.INT, null, Presence.REQUIRED, Set.of());
    }

    public static AttributeSpec real(String name, double dflt) {
        return new AttributeSpec(name, Kind.FLOAT, dflt, Presence.DEFAULTED, Set.of());
    }

    public static AttributeSpec requiredReal(String name) {
        return new AttributeSpec(name, Kind.FLOAT, null, Presence.REQUIRED, Set.of());
    }

    public static AttributeSpec bool(String name, boolean dflt) {
        return new AttributeSpec(name, Kind.BOOL, dflt, Presence.DEFAULTED, Set.of());
    }

    public static AttributeSpec string(String name, Presence presence) {
        return new AttributeSpec(name, Kind.STRING, presence == Presence.DEFAULTED ? "" : null, presence, Set.of());
    }

    /** A string from a fixed set, matched case-insensitively and kept in the set's spelling. */
    public static AttributeSpec choice(String name, String dflt, String... choices) {
        return new AttributeSpec(name, Kind.ENUM, dflt, dflt == null ? Presence.REQUIRED : Presence.DEFAULTED, Set.of(choices));
    }

    public static AttributeSpec integers(String name, List<Long> dflt) {
        return new AttributeSpec(name, Kind.INTS, dflt, dflt == null ? Presence.REQUIRED : Presence.DEFAULTED, Set.of());
    }

    public static AttributeSpec reals(String name, List<Double> dflt) {
        return new AttributeSpec(name, Kind.FLOATS, dflt, dflt == null ? Presence.REQUIRED : Presence.DEFAULTED, Set.of());
    }

    public static AttributeSpec elementType(String name, ElementType dflt, Presence presence) {
        return new AttributeSpec(name, Kind.ELEMENT_TYPE, dflt, presence, Set.of());
    }

    public static AttributeSpec shape(String name, PartialShape dflt, Presence presence) {
        return new AttributeSpec(name, Kind.PARTIAL_SHAPE, dflt, presence, Set.of());
    }

    /**
     * Reads the XML spelling.
     *
     * @throws IrValidationException naming the attribute and what is wrong
     */
    public Object parse(String text) {
        String s = text.strip();
        try {
            return switch (kind) {
                case INT -> Long.parseLong(s);
                case FLOAT -> parseReal(s);
                case BOOL -> parseBool(s);
                case STRING -> text;
                case ENUM -> parseChoice(s);
                case INTS -> parseList(s, Long::parseLong);
                case FLOATS -> parseList(s, AttributeSpec::parseReal);
                case ELEMENT_TYPE -> ElementType.parse(s).orElseThrow(
                        () -> new IllegalArgumentException("unknown element type"));
                case PARTIAL_SHAPE -> PartialShape.parse(text);
            };
        } catch (IllegalArgumentException e) {
            boolean explained = !(e instanceof NumberFormatException)
                    && (kind == Kind.PARTIAL_SHAPE || kind == Kind.INTS || kind == Kind.FLOATS);
            String why = explained ? " (" + e.getMessage() + ")" : "";
            throw new IrValidationException("attribute " + name + "=\"" + PartialShape.abbreviate(text)
                    + "\" is not " + describe() + why);
        }
    }

    /** Checks the type of a value given through the API; returns it normalised. */
    Object check(Object value) {
        boolean ok = switch (kind) {
            case INT -> value instanceof Long;
            case FLOAT -> value instanceof Double;
            case BOOL -> value instanceof Boolean;
            case STRING -> value instanceof String;
            case ENUM -> value instanceof String s && choices.contains(s);
            case INTS -> value instanceof List<?> l && l.stream().allMatch(Long.class::isInstance);
            case FLOATS -> value instanceof List<?> l && l.stream().allMatch(Double.class::isInstance);
            case ELEMENT_TYPE -> value instanceof ElementType;
            case PARTIAL_SHAPE -> value instanceof PartialShape;
        };
        if (!ok) {
            throw new IrValidationException("attribute " + name + "=" + value + " is not " + describe());
        }
        if (value instanceof List<?> l) {
            return List.copyOf(l);
        }
        return value;
    }

    /** The XML spelling of a value: lists joined with {@code ", "} as newer OpenVINO writers do. */
    public String format(Object value) {
        return switch (kind) {
            case INT, STRING, ENUM -> value.toString();
            case BOOL -> ((Boolean) value) ? "true" : "false";
            case FLOAT -> formatReal((Double) value);
            case INTS -> join((List<?>) value, Object::toString);
            case FLOATS -> join((List<?>) value, v -> formatReal((Double) v));
            case ELEMENT_TYPE -> ((ElementType) value).irName();
            case PARTIAL_SHAPE -> ((PartialShape) value).toIrString();
        };
    }

    private String describe() {
        return switch (kind) {
            case INT -> "an integer";
            case FLOAT -> "a number";
            case BOOL -> "a boolean (true, false, 1, 0)";
            case STRING -> "a string";
            case ENUM -> "one of " + String.join(", ", new java.util.TreeSet<>(choices));
            case INTS -> "a list of integers";
            case FLOATS -> "a list of numbers";
            case ELEMENT_TYPE -> "an element type";
            case PARTIAL_SHAPE -> "a partial shape";
        };
    }

    private Object parseChoice(String s) {
        for (String c : choices) {
            if (c.equalsIgnoreCase(s)) {
                return c;
            }
        }
        throw new IllegalArgumentException("not a choice");
    }

    private static Boolean parseBool(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new IllegalArgumentException("not a boolean");
        };
    }

    static double parseReal(String s) {
        String t = s.strip().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "inf", "+inf", "infinity" -> Double.POSITIVE_INFINITY;
            case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
            case "nan" -> Double.NaN;
            default -> {
                // Java also accepts hex floats and a trailing 'f'/'d'; IR never holds those.
                if (t.isEmpty() || t.endsWith("f") || t.endsWith("d") || t.contains("x")) {
                    throw new NumberFormatException(s);
                }
                yield Double.parseDouble(t);
            }
        };
    }

    static String formatReal(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v).replace('E', 'e');
    }

    private interface Parser<T> {
        T parse(String s);
    }

    private static <T> List<T> parseList(String s, Parser<T> element) {
        if (s.isEmpty()) {
            return List.of();
        }
        List<T> out = new ArrayList<>();
        int start = 0;
        while (true) {
            int comma = s.indexOf(',', start);
            String field = (comma < 0 ? s.substring(start) : s.substring(start, comma)).strip();
            if (field.isEmpty()) {
                throw new IllegalArgumentException("empty list element");
            }
            if (out.size() == MAX_LIST) {
                throw new IllegalArgumentException("more than " + MAX_LIST + " elements");
            }
            out.add(element.parse(field));
            if (comma < 0) {
                return List.copyOf(out);
            }
            start = comma + 1;
        }
    }

    private static String join(List<?> values, java.util.function.Function<Object, String> f) {
        StringBuilder sb = new StringBuilder();
        for (Object v : values) {
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append(f.apply(v));
        }
        return sb.toString();
    }
}
