package dev.adjoint.grad;

import dev.adjoint.Tensor;
import java.util.List;

/** {@link ImplicitValueAndGradients} for a tensor-valued function. */
public record TensorImplicitValueAndGradients(Tensor value, List<GradientAndVariable> gradients) {

    public TensorImplicitValueAndGradients {
        gradients = List.copyOf(gradients);
    }
}
