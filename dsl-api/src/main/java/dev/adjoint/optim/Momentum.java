package dev.adjoint.optim;

import dev.adjoint.Tensor;
import dev.adjoint.Variable;
import dev.adjoint.grad.GradientAndVariable;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gradient descent with momentum, TensorFlow's form: {@code a = momentum * a + g; v -= lr * a}.
 */
public final class Momentum implements Optimizer {

    private final double learningRate;
    private final double momentum;
    private final Map<Variable, double[]> accumulators = new IdentityHashMap<>();
    private final Map<Variable, Tensor> tensorAccumulators = new IdentityHashMap<>();

    public Momentum(double learningRate, double momentum) {
        this.learningRate = Optimizer.requirePositive("learningRate", learningRate);
        this.momentum = Optimizer.requireDecay("momentum", momentum);
    }

    @Override
    public void applyGradients(List<GradientAndVariable> gradients) {
        for (GradientAndVariable pair : gradients) {
            if (pair.variable().isTensor()) {
                Tensor previous = tensorAccumulators.get(pair.variable());
                Tensor accumulator = previous == null
                        ? pair.tensorGradient()
                        : previous.mul(momentum).add(pair.tensorGradient());
                tensorAccumulators.put(pair.variable(), accumulator);
                pair.variable().assignSub(accumulator.mul(learningRate));
                continue;
            }
            double[] accumulator = accumulators.computeIfAbsent(pair.variable(), v -> new double[1]);
            accumulator[0] = momentum * accumulator[0] + pair.gradient();
            pair.variable().assignSub(learningRate * accumulator[0]);
        }
    }
}
