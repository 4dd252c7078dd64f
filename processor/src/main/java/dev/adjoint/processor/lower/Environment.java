package dev.adjoint.processor.lower;

import com.palantir.javapoet.ClassName;
import com.sun.source.util.Trees;
import dev.adjoint.annotation.Differentiable;
import dev.adjoint.annotation.NonDifferentiable;
import dev.adjoint.processor.model.JType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

/** What every phase needs from javac: trees, elements, types, and the derivative registry. */
public record Environment(Trees trees, Elements elements, Types types, DerivativeRegistry derivatives) {

    /** The processor's view of a declared type. */
    public JType typeOf(TypeMirror mirror) {
        return typeOf(types, mirror);
    }

    /** The processor's view of a declared type, erasing generics. */
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
            case ARRAY -> new JType(typeOf(types, ((ArrayType) mirror).getComponentType()).name() + "[]");
            case DECLARED -> new JType(((TypeElement) ((DeclaredType) mirror).asElement()).getQualifiedName().toString());
            default -> new JType(types.erasure(mirror).toString());
        };
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

    /** The generated method that returns value and gradients of {@code method}. */
    public static String valueAndGradientsName(ExecutableElement method) {
        return method.getSimpleName() + "ValueAndGradients";
    }

    /** The fields and methods of {@code type}, inherited ones included. */
    public List<? extends Element> members(TypeElement type) {
        return elements.getAllMembers(type);
    }

    /** The field {@code name} of {@code type}, or null. */
    public VariableElement field(TypeElement type, String name) {
        for (Element member : members(type)) {
            if (member.getKind() == ElementKind.FIELD && member.getSimpleName().contentEquals(name)) {
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
