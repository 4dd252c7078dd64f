package dev.adjoint.optim;

import dev.adjoint.Tensor;
import dev.adjoint.Variable;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Gradient descent with momentum, TensorFlow's form: {@code a = momentum * a + g; v -= lr * a}.
 */
public final class Momentum implements Optimizer {

    private final double learningRate;
    private final double momentum;
    private final Map<Variable, double[]> accumulators = new IdentityHashMap<>();
    /** Accumulators of tensor variables, held as variables so they are updated in place. */
    private final Map<Variable, Variable> tensorAccumulators = new IdentityHashMap<>();

    public Momentum(double learningRate, double momentum) {
        this.learningRate = Optimizer.requirePositive("learningRate", learningRate);
        this.momentum = Optimizer.requireDecay("momentum", momentum);
    }

    @Override
    public void step(Variable variable, double gradient) {
        double[] accumulator = accumulators.computeIfAbsent(variable, v -> new double[1]);
        accumulator[0] = momentum * accumulator[0] + gradient;
        variable.assignSub(learningRate * accumulator[0]);
    }

    @Override
    public void step(Variable variable, Tensor gradient) {
        Variable accumulator = tensorAccumulators.get(variable);
        if (accumulator == null) {
            accumulator = new Variable(gradient, variable.name() + "/momentum", false);
            tensorAccumulators.put(variable, accumulator);
        } else {
            // a - ((1 - momentum) a - g) = momentum a + g, in place.
            Tensor delta = accumulator.value().chain().mul(1 - momentum).sub(gradient).evaluate();
            accumulator.assignSub(delta);
            delta.release();
        }
        Tensor step = accumulator.value().mul(learningRate);
        variable.assignSub(step);
        step.release();
    }

    @Override
    public String kind() {
        return "momentum";
    }

    @Override
    public Map<String, Tensor> state(Variable variable) {
        if (variable.isTensor()) {
            Variable accumulator = tensorAccumulators.get(variable);
            return accumulator == null ? Map.of() : Map.of("accumulator", accumulator.value());
        }
        double[] accumulator = accumulators.get(variable);
        return accumulator == null ? Map.of() : Map.of("accumulator", Tensor.of(accumulator[0]));
    }

    @Override
    public void restoreState(Variable variable, Map<String, Tensor> slots) {
        tensorAccumulators.remove(variable);
        accumulators.remove(variable);
        if (slots.isEmpty()) {
            return;
        }
        Optimizer.requireSlots(kind(), variable, slots, Map.of("accumulator", Optimizer.slotLike(variable)));
        if (variable.isTensor()) {
            tensorAccumulators.put(variable,
                    new Variable(slots.get("accumulator"), variable.name() + "/momentum", false));
        } else {
            accumulators.put(variable, new double[] {slots.get("accumulator").item()});
        }
    }
}
