package dev.adjoint.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a static method as the vector-Jacobian product (VJP) of another method. Generated code
 * calls it instead of differentiating the method's body. The built-in scalar primitives
 * ({@code Math.exp}, {@code Math.pow}, ...) are declared the same way in
 * {@link dev.adjoint.rules.ScalarRules}.
 *
 * <p>The VJP takes the primal's arguments, optionally the primal's output, and then the output
 * adjoint {@code dy}; it returns the adjoint of one argument. For a primal with one differentiable
 * argument that is the whole rule; for several, either return a {@code double[]} with one entry
 * per argument, or write one rule per argument and set {@link #argument()}:
 *
 * <pre>{@code
 * @Differentiable
 * static double log1pexp(double x) { return Math.log(1 + Math.exp(x)); }
 *
 * @Derivative(of = "log1pexp")
 * static double log1pexpVjp(double x, double dy) { return dy * (1 - 1 / (1 + Math.exp(x))); }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Derivative {

    /** Name of the primal method. */
    String of();

    /** Class that declares the primal; {@code void.class} means the class declaring this rule. */
    Class<?> target() default void.class;

    /** Index of the argument this rule differentiates, or -1 when it covers all of them. */
    int argument() default -1;
}
