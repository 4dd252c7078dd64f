package dev.adjoint.examples.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.grad.GradientAndVariable;
import dev.adjoint.grad.VariableGradients;
import dev.adjoint.optim.SGD;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lecture's examples and TensorFlow's eager gradient tests, against the generated code. */
class EagerGradientsTest {

    @Test
    void squareOfThreeIsNineWithGradientSix() {
        assertEquals(9.0, Eager.square(3.0));
        var result = EagerGrad.squareValueAndGradients(3.0);
        assertEquals(9.0, result.value());
        assertEquals(6.0, result.gradients().x());
        assertEquals(List.of("x"), result.gradients().names());
        assertEquals(6.0, EagerGrad.squareGradients(3.0).getDouble(0));
    }

    @Test
    void lectureLossOverVariable() {
        Eager.X.assign(2.0);
        var result = EagerGrad.lossImplicitValueAndGradients(7.0);
        assertEquals(9.0, result.value());
        assertEquals(1, result.gradients().size());
        GradientAndVariable pair = result.gradients().getFirst();
        assertEquals(-24.0, pair.gradient());
        assertSame(Eager.X, pair.variable());
        assertEquals(-24.0, EagerGrad.lossImplicitGradients(7.0).getFirst().gradient());
    }

    @Test
    void polynomialGradientsAndSelection() {
        var result = EagerGrad.fValueAndGradients(2.0, 3.0);
        assertEquals(6.0, result.value());
        assertEquals(27.0, result.gradients().x());
        assertEquals(-4.0, result.gradients().y());
        assertEquals(List.of("y"), EagerGrad.fOnlyYGradients(2.0, 3.0).names());
        assertEquals(-4.0, EagerGrad.fOnlyYGradients(2.0, 3.0).y());
    }

    @Test
    void productAndOutputSeed() {
        var gradients = EagerGrad.timesGradients(1.0, 2.0);
        assertEquals(2.0, gradients.a());
        assertEquals(1.0, gradients.b());
        assertEquals(2.0, EagerGrad.identityGradients(5.0, 2.0).x());
    }

    @Test
    void absWrittenWithIf() {
        assertEquals(1.0, EagerGrad.absGradients(3.0).x());
        assertEquals(-1.0, EagerGrad.absGradients(-3.0).x());
    }

    @Test
    void whereStyleConditional() {
        assertEquals(1.0, EagerGrad.whereGradients(5.0).x());
        assertEquals(100.0, EagerGrad.whereGradients(50.0).x());
    }

    @Test
    void log1pexpAndUserSuppliedDerivative() {
        assertEquals(0.5, EagerGrad.log1pexpGradients(0.0).x(), 1e-15);
        assertEquals(0.5, EagerGrad.stableLog1pexpGradients(0.0).x(), 1e-15);
        assertEquals(1.0, EagerGrad.stableLog1pexpGradients(100.0).x());
        // The body would overflow at 1000; the user's derivative does not.
        assertEquals(Double.NaN, EagerGrad.log1pexpGradients(1000.0).x());
        assertEquals(1.0, EagerGrad.stableLog1pexpGradients(1000.0).x());
    }

    @Test
    void functionWithoutVariablesFailsImplicitGradients() {
        var error = assertThrows(IllegalStateException.class, () -> EagerGrad.squareImplicitGradients(3.0));
        assertEquals(VariableGradients.NO_VARIABLES, error.getMessage());
        assertEquals("No trainable variables were accessed while the function was being computed.",
                error.getMessage());
    }

    @Test
    void sgdStepsLossTwoX() {
        Eager.SGD_X.assign(2.0);
        SGD optimizer = new SGD(0.25);
        List<Double> losses = new ArrayList<>();
        for (int step = 0; step < 5; step++) {
            var result = EagerGrad.twiceImplicitValueAndGradients();
            losses.add(result.value());
            optimizer.applyGradients(result.gradients());
        }
        assertEquals(List.of(4.0, 3.0, 2.0, 1.0, 0.0), losses);
    }
}
