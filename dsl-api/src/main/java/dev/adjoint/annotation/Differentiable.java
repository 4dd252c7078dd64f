package dev.adjoint.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a static or instance method whose gradient the Adjoint processor generates at compile
 * time. For a method {@code f} in class {@code C} the processor writes {@code CGrad} with
 * {@code fGradients}, {@code fValueAndGradients}, {@code fImplicitGradients} and
 * {@code fImplicitValueAndGradients}; see {@code docs/autodiff.md}.
 *
 * <p>By default every {@code double}, {@code float} and {@code Tensor} parameter is differentiated,
 * except those marked {@link NonDifferentiable}. {@link #wrt()} narrows the selection by name.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.METHOD)
public @interface Differentiable {

    /** Names of the parameters to differentiate with respect to; empty means all differentiable ones. */
    String[] wrt() default {};
}
