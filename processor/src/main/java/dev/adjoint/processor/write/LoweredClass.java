package dev.adjoint.processor.write;

import com.sun.source.tree.MethodTree;
import dev.adjoint.processor.Diagnostics;
import dev.adjoint.processor.model.LoweredMethod;
import java.util.List;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;

/**
 * One user class whose {@code @Differentiable} methods all validated and lowered without error:
 * what every {@link Generator} reads. Lowering ran once; generators share the result.
 *
 * @param owner the user class
 * @param methods its differentiable methods, in declaration order
 */
public record LoweredClass(TypeElement owner, List<Method> methods) {

    /**
     * One lowered method.
     *
     * @param element the user's method
     * @param tree its source, for diagnostics that point at an expression
     * @param lowered the normalised model of its body
     * @param diagnostics where a generator reports what it cannot generate, at the user's code
     */
    public record Method(ExecutableElement element, MethodTree tree, LoweredMethod lowered, Diagnostics diagnostics) {
    }
}
