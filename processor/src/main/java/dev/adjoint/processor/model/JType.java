package dev.adjoint.processor.model;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.WildcardTypeName;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The source-level type of a value in a differentiable body, as far as the processor needs it.
 * Annotation processors run before javac attributes method bodies, so these are inferred from
 * declarations and a known vocabulary; {@code name} is a primitive keyword, a canonical class name
 * or either followed by {@code []}, and {@code arguments} are a generic type's type arguments
 * ({@code List<Variable>}), kept so that generated declarations compile without raw types.
 * A wildcard is named {@code ?} (its upper bound, if any, is its one argument) or {@code ? super}.
 */
public record JType(String name, List<JType> arguments) {

    public static final JType DOUBLE = new JType("double");
    public static final JType FLOAT = new JType("float");
    public static final JType LONG = new JType("long");
    public static final JType INT = new JType("int");
    public static final JType SHORT = new JType("short");
    public static final JType CHAR = new JType("char");
    public static final JType BYTE = new JType("byte");
    public static final JType BOOLEAN = new JType("boolean");
    public static final JType STRING = new JType("java.lang.String");
    public static final JType OBJECT = new JType("java.lang.Object");
    public static final JType TENSOR = new JType("dev.adjoint.Tensor");
    public static final JType VARIABLE = new JType("dev.adjoint.Variable");
    public static final JType VOID = new JType("void");

    private static final Map<String, Integer> NUMERIC_RANK =
            Map.of("byte", 1, "short", 2, "char", 2, "int", 3, "long", 4, "float", 5, "double", 6);

    public JType {
        arguments = List.copyOf(arguments);
    }

    /** A type without type arguments. */
    public JType(String name) {
        this(name, List.of());
    }

    /** {@code ? extends bound}, or {@code ?} when {@code bound} is null. */
    public static JType wildcard(JType bound) {
        return bound == null ? new JType("?") : new JType("?", List.of(bound));
    }

    /** {@code double} or {@code float}: the scalar types gradients flow through. */
    public boolean isFloating() {
        return equals(DOUBLE) || equals(FLOAT);
    }

    public boolean isTensor() {
        return equals(TENSOR);
    }

    public boolean isVariable() {
        return equals(VARIABLE);
    }

    /** A type whose values can carry a gradient. */
    public boolean isDifferentiable() {
        return isFloating() || isTensor();
    }

    public boolean isNumeric() {
        return NUMERIC_RANK.containsKey(name);
    }

    public boolean isPrimitive() {
        return isNumeric() || equals(BOOLEAN);
    }

    public boolean isArray() {
        return name.endsWith("[]");
    }

    public boolean isWildcard() {
        return name.startsWith("?");
    }

    /** The element type of an array type. */
    public JType component() {
        return new JType(name.substring(0, name.length() - 2), arguments);
    }

    /** This type without its type arguments (an array keeps its dimensions). */
    public JType erasure() {
        return arguments.isEmpty() ? this : new JType(name);
    }

    /** The type a value of this (possibly wildcard) type can be read as. */
    public JType upperBound() {
        if (!isWildcard()) {
            return this;
        }
        return name.equals("?") && !arguments.isEmpty() ? arguments.getFirst() : OBJECT;
    }

    private static final Map<String, String> UNBOXED = Map.of("java.lang.Double", "double", "java.lang.Float", "float",
            "java.lang.Long", "long", "java.lang.Integer", "int", "java.lang.Short", "short",
            "java.lang.Character", "char", "java.lang.Byte", "byte", "java.lang.Boolean", "boolean");

    /** The primitive type of a boxed type ({@code Double} to {@code double}); other types unchanged. */
    public JType unboxed() {
        String primitive = UNBOXED.get(name);
        return primitive == null ? this : new JType(primitive);
    }

    /** Binary numeric promotion (JLS 5.6) of two numeric operand types, unboxing first. */
    public static JType promote(JType a, JType b) {
        a = a.unboxed();
        b = b.unboxed();
        if (a.isTensor() || b.isTensor()) {
            return TENSOR;
        }
        int rank = Math.max(Math.max(NUMERIC_RANK.getOrDefault(a.name, 3), NUMERIC_RANK.getOrDefault(b.name, 3)), 3);
        return switch (rank) {
            case 6 -> DOUBLE;
            case 5 -> FLOAT;
            case 4 -> LONG;
            default -> INT;
        };
    }

    /** True when a value of {@code from} converts to this primitive type by widening (JLS 5.1.2). */
    public boolean acceptsByWidening(JType from) {
        if (equals(from)) {
            return true;
        }
        if (!isNumeric() || !from.isNumeric() || equals(CHAR)) {
            return false;
        }
        return NUMERIC_RANK.get(name) > NUMERIC_RANK.get(from.name) && !(from.equals(CHAR) && NUMERIC_RANK.get(name) < 3);
    }

    /** The Java literal for this type's zero, used to initialise hoisted locals. */
    public String zero() {
        return switch (name) {
            case "double" -> "0.0";
            case "float" -> "0.0f";
            case "long" -> "0L";
            case "boolean" -> "false";
            case "byte", "short", "char", "int" -> "0";
            default -> "null";
        };
    }

    /** The default output seed: one for a scalar, {@code null} (ones like the output) for a tensor. */
    public String one() {
        return equals(FLOAT) ? "1.0f" : equals(DOUBLE) ? "1.0" : "null";
    }

    public TypeName typeName() {
        if (isArray()) {
            return ArrayTypeName.of(component().typeName());
        }
        if (isWildcard()) {
            if (arguments.isEmpty()) {
                return WildcardTypeName.subtypeOf(Object.class);
            }
            TypeName bound = arguments.getFirst().typeName();
            return name.equals("?") ? WildcardTypeName.subtypeOf(bound) : WildcardTypeName.supertypeOf(bound);
        }
        TypeName raw = switch (name) {
            case "double" -> TypeName.DOUBLE;
            case "float" -> TypeName.FLOAT;
            case "long" -> TypeName.LONG;
            case "int" -> TypeName.INT;
            case "short" -> TypeName.SHORT;
            case "char" -> TypeName.CHAR;
            case "byte" -> TypeName.BYTE;
            case "boolean" -> TypeName.BOOLEAN;
            case "void" -> TypeName.VOID;
            default -> ClassName.bestGuess(name);
        };
        if (arguments.isEmpty()) {
            return raw;
        }
        return ParameterizedTypeName.get((ClassName) raw, arguments.stream().map(JType::typeName).toArray(TypeName[]::new));
    }

    /** The stack operation suffix that saves a value of this type. */
    public String stackKind() {
        return switch (name) {
            case "double", "float" -> "Double";
            case "int", "short", "char", "byte" -> "Int";
            case "boolean" -> "Boolean";
            case "long" -> "Long";
            default -> "Object";
        };
    }

    @Override
    public String toString() {
        if (arguments.isEmpty()) {
            return name;
        }
        String args = arguments.stream().map(JType::toString).collect(Collectors.joining(", "));
        if (isWildcard()) {
            return name + (name.equals("?") ? " extends " : " ") + args;
        }
        return isArray() ? component() + "[]" : name + "<" + args + ">";
    }
}
