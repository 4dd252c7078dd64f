package dev.adjoint.examples.autodiff;

import dev.adjoint.Tensor;
import dev.adjoint.annotation.Differentiable;
import dev.adjoint.annotation.NonDifferentiable;

/** Function zoo: differentiable helpers in a class of their own, called from the other zoo classes. */
final class ZooMath {

    private ZooMath() {
    }

    @Differentiable
    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** log(1 + e^x), written the overflow-safe way. */
    @Differentiable
    static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    @Differentiable
    static double square(double x) {
        return x * x;
    }

    /** x^k for a data exponent. */
    @Differentiable
    static double power(double x, @NonDifferentiable double k) {
        return Math.pow(x, k);
    }

    /** Differentiated with respect to a only. */
    @Differentiable(wrt = "a")
    static double weighted(double a, double b) {
        return a * b + Math.sin(a);
    }

    @Differentiable
    static Tensor scaleShift(Tensor x, double scale, double shift) {
        return x.mul(scale).add(shift);
    }

    @Differentiable
    static float halfSquare(float x) {
        return 0.5f * x * x;
    }
}
