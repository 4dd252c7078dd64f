package dev.adjoint.examples.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.grad.GradCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** User code runs exactly once per gradient call; the reverse pass uses what the forward pass saw (issue 6, item 4). */
class SideEffectGradientsTest {

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void dropoutAndCounterRunOnce(long seed) {
        SideEffects model = new SideEffects(seed);
        SideEffects.calls = 0;
        double x = 1.5;
        var result = SideEffectsGrad.bothValueAndGradients(model, x);
        assertEquals(1, SideEffects.calls, "counted ran once");
        // Both terms are linear in x with the mask and the count of this one run: value = gradient * x.
        assertEquals(result.value(), result.gradients().x() * x, 1e-12);
        boolean kept = new SideEffects(seed).random.nextDouble() >= 0.5;
        assertEquals((kept ? 2.0 : 0.0) + 1.0, result.gradients().x(), 0.0);
    }

    @Test
    void reverseReadsTheValueTheForwardPassRead() {
        double[] c = {2, 1};
        var result = SideEffectsGrad.readChangeReadValueAndGradients(0.7, c);
        // a = 2 x^2; then c[0] = 3; a + 3 x: value 0.98 + 2.1, gradient 4 x + 3.
        assertEquals(3.08, result.value(), 1e-12);
        assertEquals(5.8, result.gradients().x(), 1e-12);
        assertEquals(3.0, c[0], "bump ran once");
    }

    @Test
    void randomDrawsAreTheForwardPassDraws() {
        // s = sum(u_i) x^2, so the gradient is 2 s / x for the draws of this very run.
        for (int n : new int[] {0, 1, 5, 40}) {
            double x = 1.3;
            var result = SideEffectsGrad.noisySumValueAndGradients(x, n);
            assertEquals(2 * result.value() / x, result.gradients().x(), 1e-12);
        }
    }

    @Test
    void branchAndValueSeeTheForwardPassCounter() {
        SideEffects model = new SideEffects(1);
        for (int start = 0; start < 4; start++) {
            SideEffects.calls = start;
            double x = 0.9;
            var result = SideEffectsGrad.branchOnCounterValueAndGradients(model, x);
            int count = start + 1;
            double expected = count % 2 == 0 ? 2 * count * x : count;
            assertEquals(expected, result.gradients().x(), 1e-12, "calls started at " + start);
            assertEquals(start + 11, SideEffects.calls);
        }
    }

    @Test
    void finiteDifferencesAgreeOnDeterministicCode() {
        GradCheck.check(v -> SideEffects.readChangeRead(v[0], new double[] {2, 1}),
                v -> new double[] {SideEffectsGrad.readChangeReadGradients(v[0], new double[] {2, 1}).x()},
                new double[] {0.7});
    }
}
