package dev.adjoint.optim;

import dev.adjoint.Tensor;
import dev.adjoint.Variable;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
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
    public void step(Variable variable, double gradient) {
        Moments m = moments.computeIfAbsent(variable, v -> new Moments());
        m.steps++;
        m.first = beta1 * m.first + (1 - beta1) * gradient;
        m.second = beta2 * m.second + (1 - beta2) * gradient * gradient;
        double firstHat = m.first / (1 - Math.pow(beta1, m.steps));
        double secondHat = m.second / (1 - Math.pow(beta2, m.steps));
        variable.assignSub(learningRate * firstHat / (Math.sqrt(secondHat) + epsilon));
    }

    @Override
    public void step(Variable variable, Tensor gradient) {
        Moments m = moments.computeIfAbsent(variable, v -> new Moments());
        m.steps++;
        Tensor first = gradient.mul(1 - beta1);
        m.firstTensor = m.firstTensor == null ? first : m.firstTensor.mul(beta1).add(first);
        Tensor second = gradient.square().mul(1 - beta2);
        m.secondTensor = m.secondTensor == null ? second : m.secondTensor.mul(beta2).add(second);
        Tensor firstHat = m.firstTensor.div(1 - Math.pow(beta1, m.steps));
        Tensor secondHat = m.secondTensor.div(1 - Math.pow(beta2, m.steps));
        variable.assignSub(firstHat.div(secondHat.sqrt().add(epsilon)).mul(learningRate));
    }

    @Override
    public String kind() {
        return "adam";
    }

    @Override
    public Map<String, Tensor> state(Variable variable) {
        Moments m = moments.get(variable);
        if (m == null) {
            return Map.of();
        }
        Map<String, Tensor> slots = new LinkedHashMap<>();
        slots.put("m", variable.isTensor() ? m.firstTensor : Tensor.of(m.first));
        slots.put("v", variable.isTensor() ? m.secondTensor : Tensor.of(m.second));
        slots.put("step", Tensor.of(m.steps));
        return slots;
    }

    @Override
    public void restoreState(Variable variable, Map<String, Tensor> slots) {
        moments.remove(variable);
        if (slots.isEmpty()) {
            return;
        }
        Tensor like = Optimizer.slotLike(variable);
        Optimizer.requireSlots(kind(), variable, slots, Map.of("m", like, "v", like, "step", Tensor.of(0L)));
        Moments m = new Moments();
        m.steps = slots.get("step").toLongArray()[0];
        if (variable.isTensor()) {
            m.firstTensor = slots.get("m");
            m.secondTensor = slots.get("v");
        } else {
            m.first = slots.get("m").item();
            m.second = slots.get("v").item();
        }
        moments.put(variable, m);
    }
}
