package dev.adjoint.optim;

import dev.adjoint.grad.GradientAndVariable;
import java.util.List;

/** Plain gradient descent: {@code v -= learningRate * g}. */
public final class SGD implements Optimizer {

    private final double learningRate;

    public SGD(double learningRate) {
        this.learningRate = Optimizer.requirePositive("learningRate", learningRate);
    }

    @Override
    public void applyGradients(List<GradientAndVariable> gradients) {
        for (GradientAndVariable pair : gradients) {
            if (pair.variable().isTensor()) {
                pair.variable().assignSub(pair.tensorGradient().mul(learningRate));
            } else {
                pair.variable().assignSub(learningRate * pair.gradient());
            }
        }
    }
}
