package dev.adjoint.examples.autodiff;

import org.junit.jupiter.api.Test;

/** Compound assignments that narrow (float += double) compile and differentiate (issue 6, item 5). */
class NarrowingGradientsTest {

    @Test
    void floatAccumulator() {
        // float rounding makes the function a staircase at the finite-difference step: compare with the
        // derivative written out instead.
        double x = 1.3;
        // acc = ((0.75 x) * x / (x + 2) + 1), result 2 acc: d/dx = 2 * 0.75 * (2x(x+2) - x^2) / (x+2)^2.
        double expected = 2 * 0.75 * (2 * x * (x + 2) - x * x) / ((x + 2) * (x + 2));
        org.junit.jupiter.api.Assertions.assertEquals(expected, NarrowingGrad.floatAccumulatorGradients(x).x(), 1e-5);
    }

    @Test
    void floatResultFromDoubleOperands() {
        var g = NarrowingGrad.floatResultGradients(0.5f, 0.25);
        // s = a + 3 a b: ds/da = 1 + 3 b, ds/db = 3 a.
        org.junit.jupiter.api.Assertions.assertEquals(1 + 3 * 0.25, g.a(), 1e-6);
        org.junit.jupiter.api.Assertions.assertEquals(3 * 0.5, g.b(), 1e-6);
    }

    @Test
    void doubleFromFloat() {
        var g = NarrowingGrad.doubleFromFloatGradients(0.75f, 2.0);
        // s = f^2 + d f: ds/df = 2 f + d, ds/dd = f.
        org.junit.jupiter.api.Assertions.assertEquals(2 * 0.75 + 2.0, g.f(), 1e-6);
        org.junit.jupiter.api.Assertions.assertEquals(0.75, g.d(), 1e-6);
    }
}
