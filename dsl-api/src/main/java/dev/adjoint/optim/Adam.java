package dev.adjoint.optim;

import dev.adjoint.Tensor;
import dev.adjoint.Variable;
import dev.adjoint.grad.GradientAndVariable;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam (Kingma and Ba, 2015) with bias correction. Each variable keeps its own step count, so a
 * variable that joins training late is corrected from its first update.
 */
public final class Adam implements Optimizer {

    private final double learningRate;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final Map<Variable, Moments> moments = new IdentityHashMap<>();

    private static final class Moments {
        double first;
        double second;
        Tensor firstTensor;
        Tensor secondTensor;
        long steps;
    }

    /** Adam with the paper's defaults: beta1 0.9, beta2 0.999, epsilon 1e-8. */
    public Adam(double learningRate) {
        this(learningRate, 0.9, 0.999, 1e-8);
    }

    public Adam(double learningRate, double beta1, double beta2, double epsilon) {
        this.learningRate = Optimizer.requirePositive("learningRate", learningRate);
        this.beta1 = Optimizer.requireDecay("beta1", beta1);
        this.beta2 = Optimizer.requireDecay("beta2", beta2);
        this.epsilon = Optimizer.requirePositive("epsilon", epsilon);
    }

    @Override
    public void applyGradients(List<GradientAndVariable> gradients) {
        for (GradientAndVariable pair : gradients) {
            Moments m = moments.computeIfAbsent(pair.variable(), v -> new Moments());
            m.steps++;
            double firstCorrection = 1 - Math.pow(beta1, m.steps);
            double secondCorrection = 1 - Math.pow(beta2, m.steps);
            if (pair.variable().isTensor()) {
                Tensor g = pair.tensorGradient();
                m.firstTensor = m.firstTensor == null ? g.mul(1 - beta1) : m.firstTensor.mul(beta1).add(g.mul(1 - beta1));
                Tensor g2 = g.square().mul(1 - beta2);
                m.secondTensor = m.secondTensor == null ? g2 : m.secondTensor.mul(beta2).add(g2);
                Tensor step = m.firstTensor.div(firstCorrection)
                        .div(m.secondTensor.div(secondCorrection).sqrt().add(epsilon)).mul(learningRate);
                pair.variable().assignSub(step);
                continue;
            }
            double g = pair.gradient();
            m.first = beta1 * m.first + (1 - beta1) * g;
            m.second = beta2 * m.second + (1 - beta2) * g * g;
            double firstHat = m.first / firstCorrection;
            double secondHat = m.second / secondCorrection;
            pair.variable().assignSub(learningRate * firstHat / (Math.sqrt(secondHat) + epsilon));
        }
    }
}
