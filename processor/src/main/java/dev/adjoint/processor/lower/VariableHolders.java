package dev.adjoint.processor.lower;

import dev.adjoint.processor.model.JType;
import java.util.HashMap;
import java.util.Map;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/**
 * Which types can hold {@code Variable}s: {@code Variable} itself; arrays and containers of them;
 * classes with such fields, their superclasses' private ones included (a module that registers its
 * parameters in a base-class list); and, since their implementations are unknown, interfaces,
 * abstract classes, {@code Object} and type variables. A plain method handed such an object can
 * read a variable's value where no gradient can follow it.
 */
final class VariableHolders {

    private final Environment env;
    private final Map<String, Boolean> known = new HashMap<>();

    VariableHolders(Environment env) {
        this.env = env;
    }

    boolean holdsVariables(JType type) {
        if (type == null || type.isPrimitive() || type.equals(JType.VOID) || type.equals(JType.STRING)) {
            return false;
        }
        if (type.isVariable() || type.equals(JType.OBJECT)) {
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
        if (isJdk(type.name()) || type.isTensor()) {
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
        if (element.getKind() == ElementKind.ENUM) {
            return fieldsHold(element);
        }
        if (element.getKind().isInterface() || element.getModifiers().contains(Modifier.ABSTRACT)) {
            return true;
        }
        for (TypeElement type = element; type != null; type = superclass(type)) {
            if (fieldsHold(type)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the instance fields declared in {@code type} (private ones too) can hold variables. */
    private boolean fieldsHold(TypeElement type) {
        for (Element member : type.getEnclosedElements()) {
            if (member.getKind() == ElementKind.FIELD && !member.getModifiers().contains(Modifier.STATIC)
                    && holdsVariables(env.typeOf(member.asType()))) {
                return true;
            }
        }
        return false;
    }

    private static TypeElement superclass(TypeElement type) {
        TypeMirror superclass = type.getSuperclass();
        return superclass.getKind() == TypeKind.DECLARED ? (TypeElement) ((DeclaredType) superclass).asElement() : null;
    }

    /** Types of the JDK, whose code cannot read a {@code Variable}'s value (its functional interfaces aside). */
    static boolean isJdk(String qualifiedName) {
        return (qualifiedName.startsWith("java.") || qualifiedName.startsWith("javax."))
                && !qualifiedName.startsWith("java.util.function.");
    }
}
