package dev.adjoint.optim;

import dev.adjoint.Tensor;
import dev.adjoint.Variable;
import dev.adjoint.grad.GradientAndVariable;
import dev.adjoint.grad.VariableGradients;
import java.util.List;
import java.util.Map;

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

    /** The optimizer's name in checkpoints: {@code "sgd"}, {@code "momentum"}, {@code "adam"}. */
    String kind();

    /**
     * What this optimizer keeps between steps for {@code variable}, by slot name (Adam's {@code m}, {@code v} and
     * {@code step}, Momentum's {@code accumulator}), so that a checkpoint can save it; empty before the
     * variable's first step, and always for SGD. A scalar variable's slots are 0-d float64 tensors, step counts
     * 0-d int64 ones.
     */
    Map<String, Tensor> state(Variable variable);

    /**
     * Replaces what this optimizer keeps for {@code variable} by {@code slots}, as {@link #state} returns them;
     * empty slots forget the variable, as before its first step.
     *
     * @throws IllegalArgumentException naming the variable and the slot that is missing, unexpected, or of the
     *     wrong shape or dtype
     */
    void restoreState(Variable variable, Map<String, Tensor> slots);

    /** Checks that {@code slots} has exactly the slots of {@code expected}, each of the same shape and dtype. */
    static void requireSlots(String kind, Variable variable, Map<String, Tensor> slots, Map<String, Tensor> expected) {
        if (!slots.keySet().equals(expected.keySet())) {
            throw new IllegalArgumentException(kind + " state of variable '" + variable.name() + "' needs slots "
                    + expected.keySet() + ", got " + slots.keySet());
        }
        for (Map.Entry<String, Tensor> slot : expected.entrySet()) {
            Tensor got = slots.get(slot.getKey());
            Tensor like = slot.getValue();
            if (!got.shape().equals(like.shape()) || got.dtype() != like.dtype()) {
                throw new IllegalArgumentException(kind + " state '" + slot.getKey() + "' of variable '"
                        + variable.name() + "' must be " + like.dtype() + like.shape() + ", got " + got.dtype()
                        + got.shape());
            }
        }
    }

    /** The template of a scalar or a variable-shaped slot, for {@link #requireSlots}. */
    static Tensor slotLike(Variable variable) {
        return variable.isTensor() ? variable.value() : Tensor.of(0.0);
    }

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
