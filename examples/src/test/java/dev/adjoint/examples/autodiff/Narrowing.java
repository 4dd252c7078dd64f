package dev.adjoint.examples.autodiff;

import dev.adjoint.annotation.Differentiable;

/** float/double mixes: Java narrows compound assignments implicitly (issue 6, item 5). */
@SuppressWarnings("lossy-conversions") // on purpose: the implicit narrowing is what is tested
final class Narrowing {

    private Narrowing() {
    }

    @Differentiable
    static double floatAccumulator(double x) {
        float acc = 0;
        acc += x;
        acc -= 0.25 * x;
        acc *= x;
        acc /= x + 2;
        acc++;
        return acc * 2.0;
    }

    @Differentiable
    static float floatResult(float a, double b) {
        float s = a;
        for (int i = 0; i < 3; i++) {
            s += b * a;
        }
        return s;
    }

    @Differentiable
    static double doubleFromFloat(float f, double d) {
        double s = f;
        s *= f;
        s += d * f;
        return s;
    }
}
