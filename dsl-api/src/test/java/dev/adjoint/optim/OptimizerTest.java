package dev.adjoint.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Variable;
import dev.adjoint.grad.AdjointStack;
import dev.adjoint.grad.GradientAndVariable;
import dev.adjoint.grad.VariableGradients;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Optimizer steps against the update rules written out in float64, and the gradient plumbing. */
class OptimizerTest {

    @Test
    void sgdMomentumAndAdamFollowTheirUpdateRules() {
        SplittableRandom random = new SplittableRandom(3);
        Variable sgd = new Variable(1.0, "sgd");
        Variable momentum = new Variable(1.0, "momentum");
        Variable adam = new Variable(1.0, "adam");
        SGD sgdOptimizer = new SGD(0.1);
        Momentum momentumOptimizer = new Momentum(0.1, 0.9);
        Adam adamOptimizer = new Adam(0.01);
        double expectedSgd = 1;
        double expectedMomentum = 1;
        double accumulator = 0;
        double expectedAdam = 1;
        double first = 0;
        double second = 0;
        for (int step = 1; step <= 25; step++) {
            double g = random.nextDouble(-2, 2);
            sgdOptimizer.applyGradients(List.of(new GradientAndVariable(g, sgd)));
            momentumOptimizer.applyGradients(List.of(new GradientAndVariable(g, momentum)));
            adamOptimizer.applyGradients(List.of(new GradientAndVariable(g, adam)));
            expectedSgd -= 0.1 * g;
            accumulator = 0.9 * accumulator + g;
            expectedMomentum -= 0.1 * accumulator;
            first = 0.9 * first + 0.1 * g;
            second = 0.999 * second + 0.001 * g * g;
            expectedAdam -= 0.01 * (first / (1 - Math.pow(0.9, step)))
                    / (Math.sqrt(second / (1 - Math.pow(0.999, step))) + 1e-8);
            assertEquals(expectedSgd, sgd.get(), 1e-12);
            assertEquals(expectedMomentum, momentum.get(), 1e-12);
            assertEquals(expectedAdam, adam.get(), 1e-12);
        }
    }

    @Test
    void accumulatorPathMatchesPairsPath() {
        for (Optimizer optimizer : List.<Optimizer>of(new SGD(0.1), new Momentum(0.1, 0.5), new Adam(0.1))) {
            Optimizer twin = optimizer instanceof SGD ? new SGD(0.1)
                    : optimizer instanceof Momentum ? new Momentum(0.1, 0.5) : new Adam(0.1);
            Variable a = new Variable(1.0, "a");
            Variable b = new Variable(1.0, "b");
            VariableGradients gradients = new VariableGradients();
            for (int step = 0; step < 5; step++) {
                gradients.clear();
                gradients.accumulate(a, 0.5 * step - 1);
                assertEquals(1, gradients.size());
                optimizer.applyGradients(gradients);
                twin.applyGradients(List.of(new GradientAndVariable(0.5 * step - 1, b)));
                assertEquals(b.get(), a.get(), 1e-15, optimizer.getClass().getSimpleName());
            }
        }
    }

    @Test
    void badHyperParametersAndValuesAreRejectedByName() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SGD(0)).getMessage().contains("learningRate"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Momentum(0.1, 1.0)).getMessage()
                .contains("momentum"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Adam(0.1, 0.9, -1, 1e-8)).getMessage()
                .contains("beta2"));
        Variable x = new Variable(1.0, "x");
        assertThrows(IllegalArgumentException.class, () -> new Variable(0, " "));
        assertThrows(IllegalStateException.class, x::value);
    }

    @Test
    void variableGradientsKeepConstructionOrderAndSkipFrozenVariables() {
        Variable a = new Variable(0, "a");
        Variable b = new Variable(0, "b");
        Variable frozen = new Variable(0, "frozen", false);
        VariableGradients gradients = new VariableGradients();
        assertEquals(VariableGradients.NO_VARIABLES,
                assertThrows(IllegalStateException.class, gradients::pairs).getMessage());
        gradients.accumulate(frozen, 5);
        gradients.accumulate(b, 1);
        gradients.accumulate(a, 2);
        gradients.accumulate(b, 3);
        List<GradientAndVariable> pairs = gradients.pairs();
        assertEquals(List.of(a, b), pairs.stream().map(GradientAndVariable::variable).toList());
        assertEquals(2.0, pairs.get(0).gradient());
        assertEquals(4.0, pairs.get(1).gradient());
        VariableGradients.DISCARD.accumulate(a, 1);
        assertThrows(IllegalStateException.class, VariableGradients.DISCARD::pairs);
    }

    @Test
    void adjointStackIsLastInFirstOutPerKindAndGrows() {
        AdjointStack stack = new AdjointStack();
        for (int i = 0; i < 1000; i++) {
            stack.pushDouble(i * 0.5);
            stack.pushInt(i);
            stack.pushBoolean(i % 3 == 0);
            stack.pushObject("s" + i);
        }
        for (int i = 999; i >= 0; i--) {
            assertEquals("s" + i, stack.popObject());
            assertEquals(i % 3 == 0, stack.popBoolean());
            assertEquals(i, stack.popInt());
            assertEquals(i * 0.5, stack.popDouble());
        }
        assertTrue(stack.isEmpty());
        assertThrows(IllegalStateException.class, stack::popDouble);
    }
}
