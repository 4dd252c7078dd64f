package dev.adjoint.optim;

import dev.adjoint.Tensor;
import dev.adjoint.Variable;
import java.util.Map;

/** Plain gradient descent: {@code v -= learningRate * g}. */
public final class SGD implements Optimizer {

    private final double learningRate;

    public SGD(double learningRate) {
        this.learningRate = Optimizer.requirePositive("learningRate", learningRate);
    }

    @Override
    public void step(Variable variable, double gradient) {
        variable.assignSub(learningRate * gradient);
    }

    @Override
    public void step(Variable variable, Tensor gradient) {
        Tensor delta = gradient.mul(learningRate);
        variable.assignSub(delta);
        delta.release();
    }

    @Override
    public String kind() {
        return "sgd";
    }

    /** Plain gradient descent keeps nothing between steps. */
    @Override
    public Map<String, Tensor> state(Variable variable) {
        return Map.of();
    }

    @Override
    public void restoreState(Variable variable, Map<String, Tensor> slots) {
        Optimizer.requireSlots(kind(), variable, slots, Map.of());
    }
}
