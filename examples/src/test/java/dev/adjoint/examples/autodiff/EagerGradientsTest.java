package dev.adjoint.examples.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EagerGradientsTest {

    @Test
    void squareOfThree() {
        var result = EagerGrad.squareValueAndGradients(3.0);
        assertEquals(9.0, result.value());
        assertEquals(6.0, result.gradients().x());
    }

    @Test
    void polynomialAtTwoThree() {
        var result = EagerGrad.fValueAndGradients(2.0, 3.0);
        assertEquals(6.0, result.value());
        assertEquals(27.0, result.gradients().x());
        assertEquals(-4.0, result.gradients().y());
        assertEquals(-4.0, EagerGrad.fOnlyYGradients(2.0, 3.0).y());
    }

    @Test
    void cubeLoop() {
        var two = EagerGrad.cubeValueAndGradients(2.0);
        assertEquals(8.0, two.value());
        assertEquals(12.0, two.gradients().x());
    }

    @Test
    void log1pexp() {
        assertEquals(0.5, EagerGrad.log1pexpGradients(0.0).x(), 1e-12);
        assertEquals(1.0, EagerGrad.stableLog1pexpGradients(100.0).x());
    }
}
