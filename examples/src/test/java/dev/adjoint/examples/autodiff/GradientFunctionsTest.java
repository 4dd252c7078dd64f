package dev.adjoint.examples.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.grad.GradientFunctions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The functional mirror of the seed's tfe functions, resolved to the generated code. */
class GradientFunctionsTest {

    @Test
    void gradientsFunctionOfSquare() {
        var grad = GradientFunctions.gradientsFunction(Eager::square);
        assertEquals(List.of(6.0), grad.apply(3.0).values());
        var valueAndGrad = GradientFunctions.valueAndGradientsFunction(Eager::square).apply(3.0);
        assertEquals(9.0, valueAndGrad.value());
        assertEquals(6.0, valueAndGrad.gradients().getDouble(0));
    }

    @Test
    void twoArguments() {
        var gradients = GradientFunctions.gradientsFunction(Eager::f).apply(2.0, 3.0);
        assertEquals(List.of(27.0, -4.0), gradients.values());
        assertEquals(6.0, GradientFunctions.valueAndGradientsFunction(Eager::f).apply(2.0, 3.0).value());
    }

    @Test
    void implicitForms() {
        Eager.X.assign(2.0);
        var pairs = GradientFunctions.implicitGradients(Eager::loss).apply(7.0);
        assertEquals(-24.0, pairs.getFirst().gradient());
        assertSame(Eager.X, pairs.getFirst().variable());
        assertEquals(9.0, GradientFunctions.implicitValueAndGradients(Eager::loss).apply(7.0).value());
    }

    @Test
    void lambdasAndPlainMethodsAreRejected() {
        var lambda = assertThrows(IllegalArgumentException.class, () -> GradientFunctions.gradientsFunction((double x) -> x * x));
        assertTrue(lambda.getMessage().contains("method reference"), lambda.getMessage());
        var plain = assertThrows(IllegalArgumentException.class, () -> GradientFunctions.gradientsFunction(Math::sin));
        assertTrue(plain.getMessage().contains("has no generated gradient"), plain.getMessage());
    }
}
