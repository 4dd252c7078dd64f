package dev.adjoint.optim;

import dev.adjoint.Tensor;
import dev.adjoint.Variable;

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
}
