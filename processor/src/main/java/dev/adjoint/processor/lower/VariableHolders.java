package dev.adjoint.processor.lower;

import dev.adjoint.annotation.Differentiable;
import dev.adjoint.processor.model.JType;
import java.util.HashMap;
import java.util.Map;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;

/**
 * Which types can hold {@code Variable}s: {@code Variable} itself, arrays and JDK containers of
 * them, and classes with such fields or with {@code @Differentiable} methods (layers). A plain
 * method handed such an object can read the variables' values where no gradient can follow, so
 * that is refused like handing it a differentiated value.
 */
final class VariableHolders {

    private final Environment env;
    private final Map<String, Boolean> known = new HashMap<>();

    VariableHolders(Environment env) {
        this.env = env;
    }

    boolean holdsVariables(JType type) {
        if (type == null || type.isPrimitive()) {
            return false;
        }
        if (type.isVariable()) {
            return true;
        }
        if (type.isArray() || type.isWildcard()) {
            return holdsVariables(type.isArray() ? type.component() : type.upperBound());
        }
        for (JType argument : type.arguments()) {
            if (holdsVariables(argument)) {
                return true;
            }
        }
        if (isJdk(type.name())) {
            return false;
        }
        Boolean answer = known.get(type.name());
        if (answer != null) {
            return answer;
        }
        known.put(type.name(), false);
        TypeElement element = env.elements().getTypeElement(type.name());
        boolean holds = element != null && holds(element);
        known.put(type.name(), holds);
        return holds;
    }

    private boolean holds(TypeElement element) {
        for (Element member : env.members(element)) {
            if (member.getKind() == ElementKind.METHOD && member.getAnnotation(Differentiable.class) != null) {
                return true;
            }
            if ((member.getKind() == ElementKind.FIELD || member.getKind() == ElementKind.RECORD_COMPONENT)
                    && !member.getModifiers().contains(Modifier.STATIC) && holdsVariables(env.typeOf(member.asType()))) {
                return true;
            }
        }
        return false;
    }

    /** Types of the JDK, whose methods cannot read a {@code Variable}'s value. */
    static boolean isJdk(String qualifiedName) {
        return qualifiedName.startsWith("java.") || qualifiedName.startsWith("javax.");
    }
}
