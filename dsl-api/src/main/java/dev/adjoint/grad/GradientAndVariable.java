package dev.adjoint.grad;

import dev.adjoint.Tensor;
import dev.adjoint.Variable;
import java.util.Objects;

/**
 * One entry of an implicit gradient: the gradient of the function with respect to a trainable
 * {@link Variable} it read, in {@code tfe.implicit_gradients}' (gradient, variable) order. A scalar
 * variable's gradient is {@link #gradient()}, a tensor variable's {@link #tensorGradient()}.
 */
public record GradientAndVariable(double gradient, Tensor tensorGradient, Variable variable) {

    public GradientAndVariable {
        Objects.requireNonNull(variable, "variable");
        if (variable.isTensor() != (tensorGradient != null)) {
            throw new IllegalArgumentException("Variable '" + variable.name() + "' needs a "
                    + (variable.isTensor() ? "tensor" : "scalar") + " gradient");
        }
    }

    /** The pair of a scalar variable. */
    public GradientAndVariable(double gradient, Variable variable) {
        this(gradient, null, variable);
    }

    /** The pair of a tensor variable. */
    public GradientAndVariable(Tensor gradient, Variable variable) {
        this(0.0, Objects.requireNonNull(gradient, "gradient"), variable);
    }

    /**
     * The gradient of a scalar variable.
     *
     * @throws IllegalStateException for a tensor variable; use {@link #tensorGradient()}
     */
    @Override
    public double gradient() {
        if (tensorGradient != null) {
            throw new IllegalStateException("Variable '" + variable.name() + "' is a tensor: use tensorGradient()");
        }
        return gradient;
    }

    @Override
    public String toString() {
        return "(" + (tensorGradient != null ? tensorGradient : Double.toString(gradient)) + ", " + variable + ")";
    }
}
