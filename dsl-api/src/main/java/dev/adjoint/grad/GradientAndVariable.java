package dev.adjoint.grad;

import dev.adjoint.Variable;
import java.util.Objects;

/**
 * One entry of an implicit gradient: the gradient of the function with respect to a trainable
 * {@link Variable} it read, in {@code tfe.implicit_gradients}' (gradient, variable) order.
 */
public record GradientAndVariable(double gradient, Variable variable) {

    public GradientAndVariable {
        Objects.requireNonNull(variable, "variable");
    }
}
