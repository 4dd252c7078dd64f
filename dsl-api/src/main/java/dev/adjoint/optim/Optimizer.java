package dev.adjoint.optim;

import dev.adjoint.Tensor;
import dev.adjoint.Variable;
import dev.adjoint.grad.GradientAndVariable;
import dev.adjoint.grad.VariableGradients;
import java.util.List;

/** Updates variables from (gradient, variable) pairs, as {@code tf.train.Optimizer.apply_gradients}. */
public sealed interface Optimizer permits SGD, Momentum, Adam {

    /** Applies one step to every variable in {@code gradients}. */
    default void applyGradients(List<GradientAndVariable> gradients) {
        for (GradientAndVariable pair : gradients) {
            if (pair.variable().isTensor()) {
                step(pair.variable(), pair.tensorGradient());
            } else {
                step(pair.variable(), pair.gradient());
            }
        }
    }

    /**
     * Applies one step to every variable an accumulator holds, without building pairs: the
     * allocation-free form for training loops (see {@link VariableGradients#clear()}).
     */
    default void applyGradients(VariableGradients gradients) {
        for (int i = 0; i < gradients.size(); i++) {
            if (gradients.variable(i).isTensor()) {
                step(gradients.variable(i), gradients.tensorGradient(i));
            } else {
                step(gradients.variable(i), gradients.gradient(i));
            }
        }
    }

    /** Updates a scalar variable from its gradient. */
    void step(Variable variable, double gradient);

    /** Updates a tensor variable from its gradient. */
    void step(Variable variable, Tensor gradient);

    /** Checks a hyper-parameter and names it in the exception when it is out of range. */
    static double requirePositive(String name, double value) {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " must be positive and finite, got " + value);
        }
        return value;
    }

    /** Checks a decay rate, which must lie in [0, 1). */
    static double requireDecay(String name, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1), got " + value);
        }
        return value;
    }
}
