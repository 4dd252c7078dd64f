package dev.adjoint.optim;

import dev.adjoint.grad.GradientAndVariable;
import java.util.List;

/** Updates variables from (gradient, variable) pairs, as {@code tf.train.Optimizer.apply_gradients}. */
public sealed interface Optimizer permits SGD, Momentum, Adam {

    /** Applies one step to every variable in {@code gradients}. */
    void applyGradients(List<GradientAndVariable> gradients);

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
