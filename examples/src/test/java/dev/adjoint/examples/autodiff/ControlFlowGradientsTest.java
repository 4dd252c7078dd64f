package dev.adjoint.examples.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.adjoint.grad.GradCheck;
import dev.adjoint.grad.GradientAndVariable;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Generated gradients through loops, branches and calls, against analytic values and finite differences. */
class ControlFlowGradientsTest {

    private static final SplittableRandom RANDOM = new SplittableRandom(42);

    @Test
    void cubeInForLoop() {
        var two = ControlFlowGrad.cubeValueAndGradients(2.0);
        assertEquals(8.0, two.value());
        assertEquals(12.0, two.gradients().x());
        var three = ControlFlowGrad.cubeValueAndGradients(3.0);
        assertEquals(27.0, three.value());
        assertEquals(27.0, three.gradients().x());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void nestedLoops(int n) {
        int m = 3;
        double x = 1.1;
        var result = ControlFlowGrad.nestedValueAndGradients(x, n, m);
        assertEquals(Math.pow(x, n * m), result.value(), 1e-12);
        assertEquals(n * m == 0 ? 0.0 : n * m * Math.pow(x, n * m - 1), result.gradients().x(), 1e-12);
    }

    @ParameterizedTest
    @ValueSource(doubles = {1.5, 2.0, 3.0, 7.0, 150.0})
    void whileWithDataDependentTripCount(double x) {
        int k = 1;
        double y = x;
        while (y < 100) {
            y *= x;
            k++;
        }
        var result = ControlFlowGrad.untilAboveValueAndGradients(x, 100);
        assertEquals(y, result.value(), 1e-9);
        assertEquals(k * Math.pow(x, k - 1), result.gradients().x(), 1e-9 * Math.abs(result.gradients().x()));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4})
    void valueFromBeforeLoopUsedAfterIt(int n) {
        double x = 1.7;
        // a * s = x^2 * n x = n x^3
        assertEquals(3 * n * x * x, ControlFlowGrad.beforeAndAfterGradients(x, n).x(), 1e-12);
    }

    @Test
    void branchesInsideLoopsAgainstFiniteDifferences() {
        for (int trial = 0; trial < 20; trial++) {
            double[] at = {RANDOM.nextDouble(-2, 2), RANDOM.nextDouble(-2, 2)};
            GradCheck.check(v -> ControlFlow.branchInLoop(v[0], v[1]), v -> {
                var g = ControlFlowGrad.branchInLoopGradients(v[0], v[1]);
                return new double[] {g.x(), g.y()};
            }, at);
            double[] one = {RANDOM.nextDouble(0.05, 3)};
            GradCheck.check(v -> ControlFlow.dataBranchInLoop(v[0]),
                    v -> new double[] {ControlFlowGrad.dataBranchInLoopGradients(v[0]).x()}, one, 1e-5);
            GradCheck.check(v -> ControlFlow.doWhile(v[0]),
                    v -> new double[] {ControlFlowGrad.doWhileGradients(v[0]).x()}, one);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 7, 20})
    void breakAndContinue(int n) {
        double x = 0.9;
        GradCheck.check(v -> ControlFlow.breakAndContinue(v[0], n),
                v -> new double[] {ControlFlowGrad.breakAndContinueGradients(v[0], n).x()}, new double[] {x});
        assertEquals(ControlFlow.breakAndContinue(x, n), ControlFlowGrad.breakAndContinueValueAndGradients(x, n).value());
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.5, 1.0, 2.9, 3.5, -1.0})
    void earlyReturnFromLoop(double x) {
        assertEquals(ControlFlow.earlyReturnInLoop(x), ControlFlowGrad.earlyReturnInLoopValueAndGradients(x).value());
        GradCheck.check(v -> ControlFlow.earlyReturnInLoop(v[0]),
                v -> new double[] {ControlFlowGrad.earlyReturnInLoopGradients(v[0]).x()}, new double[] {x});
    }

    @Test
    void enhancedForOverArray() {
        double[] weights = {1, 2, 3.5};
        assertEquals(2 * 6.5 * 3, ControlFlowGrad.weightedSumGradients(3, weights).x(), 1e-12);
        assertEquals(0.0, ControlFlowGrad.weightedSumGradients(3, new double[0]).x());
    }

    @Test
    void compoundAssignmentsVarAndCalls() {
        for (int trial = 0; trial < 10; trial++) {
            double[] at = {RANDOM.nextDouble(0.5, 2), RANDOM.nextDouble(0.5, 2)};
            GradCheck.check(v -> ControlFlow.compound(v[0], v[1]), v -> {
                var g = ControlFlowGrad.compoundGradients(v[0], v[1]);
                return new double[] {g.x(), g.y()};
            }, at);
            GradCheck.check(v -> ControlFlow.callsOtherClass(v[0], v[1]), v -> {
                var g = ControlFlowGrad.callsOtherClassGradients(v[0], v[1]);
                return new double[] {g.x(), g.y()};
            }, at);
            GradCheck.check(v -> ControlFlow.mathZoo(v[0], v[1]), v -> {
                var g = ControlFlowGrad.mathZooGradients(v[0], v[1]);
                return new double[] {g.x(), g.y()};
            }, at, 1e-5);
        }
    }

    @Test
    void floatAndMixedPrecision() {
        var g = ControlFlowGrad.singlePrecisionGradients(0.5f, 1.5f);
        double x = 0.5;
        double y = 1.5;
        double z = x * y + 2;
        double e = Math.exp(x);
        assertEquals(2 * z * y / e - z * z / e, g.x(), 1e-5);
        assertEquals(2 * z * x / e, g.y(), 1e-5);
        var mixed = ControlFlowGrad.mixedGradients(2f, 3.0);
        assertEquals(2 * 2 * 3.0, mixed.x(), 1e-6);
        assertEquals(4.0, mixed.y(), 1e-12);
    }

    @Test
    void instanceMethodsReadVariablesInConstructionOrder() {
        Helpers.Line line = new Helpers.Line();
        List<GradientAndVariable> pairs = Helpers_LineGrad.squaredErrorImplicitGradients(line, 2.0, 1.0);
        // d = 0.5 * 2 - 1 - 1 = -1; frozen is not trainable; unused is read but unconnected.
        assertEquals(3, pairs.size());
        assertSame(line.slope, pairs.get(0).variable());
        assertEquals(2 * -1.0 * 2.0, pairs.get(0).gradient());
        assertSame(line.intercept, pairs.get(1).variable());
        assertEquals(2 * -1.0, pairs.get(1).gradient());
        assertSame(line.unused, pairs.get(2).variable());
        assertEquals(0.0, pairs.get(2).gradient());
        assertEquals(2 * -1.0 * 0.5, Helpers_LineGrad.squaredErrorGradients(line, 2.0, 1.0).x());
    }
}
