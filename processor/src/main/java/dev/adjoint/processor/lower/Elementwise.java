package dev.adjoint.processor.lower;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import dev.adjoint.processor.model.JType;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;

/**
 * A {@code Tensor} method marked {@code @Elementwise}: the op of the op table it is, which binds
 * its derivative to the generic rules of {@code unary} or {@code binary} by identity.
 *
 * @param primal {@code "unary"} or {@code "binary"}: the Tensor method whose rules apply
 * @param type the op's enum type, {@code UnaryOp} or {@code BinaryOp}
 * @param constantName the op's constant, e.g. {@code EXP}
 */
record Elementwise(String primal, JType type, String constantName) {

    private static final String ANNOTATION = "dev.adjoint.annotation.Elementwise";

    /** The elementwise op {@code method} is, or null. */
    static Elementwise of(ExecutableElement method) {
        for (AnnotationMirror mirror : method.getAnnotationMirrors()) {
            if (!((TypeElement) mirror.getAnnotationType().asElement()).getQualifiedName().contentEquals(ANNOTATION)) {
                continue;
            }
            for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry
                    : mirror.getElementValues().entrySet()) {
                @SuppressWarnings("unchecked")
                List<? extends AnnotationValue> values = (List<? extends AnnotationValue>) entry.getValue().getValue();
                if (values.isEmpty()) {
                    continue;
                }
                VariableElement constant = (VariableElement) values.getFirst().getValue();
                String kind = entry.getKey().getSimpleName().toString();
                String enumType = ((TypeElement) constant.getEnclosingElement()).getQualifiedName().toString();
                return new Elementwise(kind, new JType(enumType), constant.getSimpleName().toString());
            }
        }
        return null;
    }

    /** The constant as generated code names it, {@code UnaryOp.EXP}. */
    CodeBlock constant() {
        return CodeBlock.of("$T.$N", ClassName.bestGuess(type.name()), constantName);
    }

    String text() {
        return type.name().substring(type.name().lastIndexOf('.') + 1) + "." + constantName;
    }
}
