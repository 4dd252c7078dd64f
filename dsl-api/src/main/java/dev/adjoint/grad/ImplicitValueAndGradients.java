package dev.adjoint.grad;

import java.util.List;

/**
 * The value of a function and its gradients with respect to the trainable variables it read,
 * as {@code tfe.implicit_value_and_gradients} returns them.
 */
public record ImplicitValueAndGradients(double value, List<GradientAndVariable> gradients) {

    public ImplicitValueAndGradients {
        gradients = List.copyOf(gradients);
    }
}
