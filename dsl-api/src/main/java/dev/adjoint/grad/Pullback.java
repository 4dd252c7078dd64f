package dev.adjoint.grad;

/**
 * One run of a differentiable method as dynamic dispatch sees it: every generated pullback class
 * implements it, so the gradient of {@code layer.apply(x)} can come from the override the object
 * actually runs ({@link Overrides}). Generated code uses the typed {@code value()} and
 * {@code backward(dy, variables)} of the pullback class instead.
 */
public interface Pullback {

    /** The value the forward pass computed, boxed. */
    Object result();

    /**
     * Runs the reverse pass for the output adjoint {@code dy} (a {@code Double}, {@code Float} or
     * {@code Tensor}, null for a zero tensor adjoint) and returns the gradient of each parameter by
     * position, {@code null} where a parameter is not differentiated.
     */
    Object[] pull(Object dy, VariableGradients variables);
}
