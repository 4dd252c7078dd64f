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
        // Tensor moments are variables so that they are updated in place.
        Variable firstTensor;
        Variable secondTensor;
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
        Tensor square = gradient.square();
        if (m.firstTensor == null) {
            Tensor first = gradient.mul(1 - beta1);
            Tensor second = square.mul(1 - beta2);
            m.firstTensor = new Variable(first, variable.name() + "/adam_m", false);
            m.secondTensor = new Variable(second, variable.name() + "/adam_v", false);
            first.release();
            second.release();
        } else {
            // m - (1 - beta1)(m - g) = beta1 m + (1 - beta1) g, written into m; likewise v with g^2.
            Tensor firstDelta = m.firstTensor.value().chain().sub(gradient).mul(1 - beta1).evaluate();
            m.firstTensor.assignSub(firstDelta);
            firstDelta.release();
            Tensor secondDelta = m.secondTensor.value().chain().sub(square).mul(1 - beta2).evaluate();
            m.secondTensor.assignSub(secondDelta);
            secondDelta.release();
        }
        square.release();
        Tensor denominator = m.secondTensor.value().chain().div(1 - Math.pow(beta2, m.steps)).sqrt().add(epsilon)
                .evaluate();
        Tensor update = m.firstTensor.value().chain().div(1 - Math.pow(beta1, m.steps)).div(denominator)
                .mul(learningRate).evaluate();
        variable.assignSub(update);
        denominator.release();
        update.release();
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
        slots.put("m", variable.isTensor() ? m.firstTensor.value() : Tensor.of(m.first));
        slots.put("v", variable.isTensor() ? m.secondTensor.value() : Tensor.of(m.second));
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
            // Variables copy what they are given, so the optimizer never shares the caller's tensors.
            m.firstTensor = new Variable(slots.get("m"), variable.name() + "/adam_m", false);
            m.secondTensor = new Variable(slots.get("v"), variable.name() + "/adam_v", false);
        } else {
            m.first = slots.get("m").item();
            m.second = slots.get("v").item();
        }
        moments.put(variable, m);
    }
}
