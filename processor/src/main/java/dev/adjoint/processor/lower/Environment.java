package dev.adjoint.processor.lower;

import com.palantir.javapoet.ClassName;
import com.sun.source.util.Trees;
import dev.adjoint.annotation.Differentiable;
import dev.adjoint.annotation.NonDifferentiable;
import dev.adjoint.processor.model.JType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.WildcardType;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/**
 * What every phase needs from javac: trees, elements, types, the derivative registry, and what is
 * known about other differentiable methods.
 *
 * @param readsVariables whether a {@code @Differentiable} method may read a {@code Variable}
 *     (directly or through the methods it calls); true when that cannot be known
 */
public record Environment(Trees trees, Elements elements, Types types, DerivativeRegistry derivatives,
        Predicate<ExecutableElement> readsVariables) {

    /** The processor's view of a declared type. */
    public JType typeOf(TypeMirror mirror) {
        return typeOf(types, mirror);
    }

    /** The processor's view of a declared type, with its type arguments; type variables become their erasure. */
    public static JType typeOf(Types types, TypeMirror mirror) {
        return switch (mirror.getKind()) {
            case DOUBLE -> JType.DOUBLE;
            case FLOAT -> JType.FLOAT;
            case LONG -> JType.LONG;
            case INT -> JType.INT;
            case SHORT -> JType.SHORT;
            case CHAR -> JType.CHAR;
            case BYTE -> JType.BYTE;
            case BOOLEAN -> JType.BOOLEAN;
            case VOID -> JType.VOID;
            case ARRAY -> {
                JType component = typeOf(types, ((ArrayType) mirror).getComponentType());
                yield new JType(component.name() + "[]", component.arguments());
            }
            case DECLARED -> {
                DeclaredType declared = (DeclaredType) mirror;
                List<JType> arguments = new ArrayList<>();
                for (TypeMirror argument : declared.getTypeArguments()) {
                    arguments.add(typeOf(types, argument));
                }
                yield new JType(((TypeElement) declared.asElement()).getQualifiedName().toString(), arguments);
            }
            case WILDCARD -> {
                WildcardType wildcard = (WildcardType) mirror;
                if (wildcard.getSuperBound() != null) {
                    yield new JType("? super", List.of(typeOf(types, wildcard.getSuperBound())));
                }
                yield JType.wildcard(wildcard.getExtendsBound() == null ? null : typeOf(types, wildcard.getExtendsBound()));
            }
            // A type variable (E of List<E> unsubstituted, a captured wildcard) reads as its erasure.
            default -> typeOf(types, types.erasure(mirror));
        };
    }

    /** The mirror of {@code type}, or null when it names no type javac knows. */
    public TypeMirror mirrorOf(JType type) {
        if (type.isArray()) {
            TypeMirror component = mirrorOf(type.component());
            return component == null ? null : types.getArrayType(component);
        }
        if (type.isWildcard()) {
            if (type.arguments().isEmpty()) {
                return types.getWildcardType(null, null);
            }
            TypeMirror bound = mirrorOf(type.arguments().getFirst());
            return type.name().equals("?") ? types.getWildcardType(bound, null) : types.getWildcardType(null, bound);
        }
        if (type.isPrimitive()) {
            return types.getPrimitiveType(TypeKind.valueOf(type.name().toUpperCase()));
        }
        TypeElement element = elements.getTypeElement(type.name());
        if (element == null) {
            return null;
        }
        if (type.arguments().isEmpty() || type.arguments().size() != element.getTypeParameters().size()) {
            return types.getDeclaredType(element);
        }
        TypeMirror[] arguments = new TypeMirror[type.arguments().size()];
        for (int i = 0; i < arguments.length; i++) {
            arguments[i] = mirrorOf(type.arguments().get(i));
            if (arguments[i] == null) {
                return types.getDeclaredType(element);
            }
        }
        return types.getDeclaredType(element, arguments);
    }

    /**
     * The type of {@code member} (a field, or a method's return type) as seen through a value of
     * {@code receiver}'s type: {@code get} of a {@code List<Variable>} returns {@code Variable}.
     */
    public JType memberType(JType receiver, Element member) {
        TypeMirror declared = receiver == null ? null : mirrorOf(receiver.upperBound());
        if (declared instanceof DeclaredType type) {
            try {
                TypeMirror seen = types.asMemberOf(type, member);
                return typeOf(seen instanceof javax.lang.model.type.ExecutableType method ? method.getReturnType() : seen)
                        .upperBound();
            } catch (IllegalArgumentException notAMember) {
                // Fall back to the declared type below.
            }
        }
        TypeMirror plain = member instanceof ExecutableElement method ? method.getReturnType() : member.asType();
        return typeOf(plain);
    }

    /** The element type of a {@code for (T x : iterable)} loop over a value of {@code iterable}'s type, or null. */
    public JType iterableElement(JType iterable) {
        TypeMirror declared = mirrorOf(iterable.upperBound());
        TypeElement iterableType = elements.getTypeElement("java.lang.Iterable");
        if (!(declared instanceof DeclaredType type) || iterableType == null
                || !types.isAssignable(types.erasure(type), types.erasure(iterableType.asType()))) {
            return null;
        }
        for (Element member : iterableType.getEnclosedElements()) {
            if (member.getKind() == ElementKind.METHOD && member.getSimpleName().contentEquals("iterator")) {
                JType iterator = memberType(iterable, member);
                return iterator.arguments().isEmpty() ? JType.OBJECT : iterator.arguments().getFirst().upperBound();
            }
        }
        return null;
    }

    /**
     * The parameters of {@code method} gradients are taken with respect to: those named in
     * {@code wrt}, else every double, float and Tensor parameter not marked
     * {@link NonDifferentiable}. Names that are not parameters are left for the validator.
     */
    public List<String> selectedParameters(ExecutableElement method) {
        Differentiable annotation = method.getAnnotation(Differentiable.class);
        List<String> wrt = annotation == null ? List.of() : Arrays.asList(annotation.wrt());
        List<String> selected = new ArrayList<>();
        for (VariableElement parameter : method.getParameters()) {
            String name = parameter.getSimpleName().toString();
            boolean differentiable = typeOf(parameter.asType()).isDifferentiable()
                    && parameter.getAnnotation(NonDifferentiable.class) == null;
            if (wrt.isEmpty() ? differentiable : wrt.contains(name)) {
                selected.add(name);
            }
        }
        return selected;
    }

    /** The generated class for {@code type}: {@code CGrad} beside {@code C}, {@code Outer_InnerGrad} for nested types. */
    public ClassName gradClassOf(TypeElement type) {
        ClassName className = ClassName.get(type);
        return ClassName.get(className.packageName(), String.join("_", className.simpleNames()) + "Grad");
    }

    /** {@code f} to {@code F}, for the names of the types generated for {@code f}. */
    public static String capitalize(String name) {
        return name.isEmpty() ? name : Character.toUpperCase(name.charAt(0)) + name.substring(1);
    }

    /**
     * Whether an object's class may run another body than {@code method}'s: an abstract or
     * interface method, or an instance method a subclass can override (not private, static or
     * final, in a class that is not final, a record or an enum).
     */
    public static boolean isOverridable(ExecutableElement method) {
        TypeElement owner = (TypeElement) method.getEnclosingElement();
        if (method.getModifiers().contains(javax.lang.model.element.Modifier.ABSTRACT)) {
            return true;
        }
        if (method.getModifiers().contains(javax.lang.model.element.Modifier.STATIC)
                || method.getModifiers().contains(javax.lang.model.element.Modifier.PRIVATE)
                || method.getModifiers().contains(javax.lang.model.element.Modifier.FINAL)) {
            return false;
        }
        return owner.getKind().isInterface() || owner.getKind() == ElementKind.CLASS
                && !owner.getModifiers().contains(javax.lang.model.element.Modifier.FINAL);
    }

    /** The generated static method that runs {@code method}'s forward pass and returns its pullback. */
    public static String forwardName(ExecutableElement method) {
        return method.getSimpleName() + "Forward";
    }

    /**
     * The generated static method that runs the forward pass of {@code method}'s own body, without
     * dispatching to an override: what {@code super.f(x)} in an override calls.
     */
    public static String bodyForwardName(ExecutableElement method) {
        return method.getSimpleName() + "BodyForward";
    }

    /** The generated class holding what {@code method}'s reverse pass reads. */
    public ClassName pullbackClassOf(ExecutableElement method) {
        return gradClassOf((TypeElement) method.getEnclosingElement())
                .nestedClass(capitalize(method.getSimpleName().toString()) + "Pullback");
    }

    /** The fields and methods of {@code type}, inherited ones included. */
    public List<? extends Element> members(TypeElement type) {
        return elements.getAllMembers(type);
    }

    /** The field (or enum constant) {@code name} of {@code type}, or null. */
    public VariableElement field(TypeElement type, String name) {
        for (Element member : members(type)) {
            if ((member.getKind() == ElementKind.FIELD || member.getKind() == ElementKind.ENUM_CONSTANT)
                    && member.getSimpleName().contentEquals(name)) {
                return (VariableElement) member;
            }
        }
        return null;
    }

    /** The methods named {@code name} that take {@code arity} arguments, declared in or inherited by {@code type}. */
    public List<ExecutableElement> methods(TypeElement type, String name, int arity) {
        List<ExecutableElement> methods = new ArrayList<>();
        for (Element member : members(type)) {
            if (member.getKind() == ElementKind.METHOD && member.getSimpleName().contentEquals(name)) {
                ExecutableElement method = (ExecutableElement) member;
                int parameters = method.getParameters().size();
                if (parameters == arity || method.isVarArgs() && arity >= parameters - 1) {
                    methods.add(method);
                }
            }
        }
        return methods;
    }
}
