package dev.adjoint.examples.autodiff;

import dev.adjoint.annotation.Derivative;
import dev.adjoint.annotation.Differentiable;

/** The functions of TensorFlow's eager-mode gradient tests and the lecture, written as plain Java. */
final class Eager {

    private Eager() {
    }

    @Differentiable
    static double square(double x) {
        return x * x;
    }

    @Differentiable
    static double f(double x, double y) {
        return x * x * x * y - x * y * y;
    }

    @Differentiable(wrt = "y")
    static double fOnlyY(double x, double y) {
        return f(x, y);
    }

    @Differentiable
    static double times(double a, double b) {
        return a * b;
    }

    @Differentiable
    static double identity(double x) {
        return x;
    }

    @Differentiable
    static double abs(double x) {
        if (x > 0) {
            return x;
        }
        return -x;
    }

    @Differentiable
    static double log1pexp(double x) {
        return Math.log(1 + Math.exp(x));
    }

    @Differentiable
    static double stableLog1pexp(double x) {
        return Math.log(1 + Math.exp(x));
    }

    @Derivative(of = "stableLog1pexp")
    static double stableLog1pexpVjp(double x, double dy) {
        return dy * (1 - 1 / (1 + Math.exp(x)));
    }

    @Differentiable
    static double cube(double x) {
        double y = 1.0;
        for (int i = 0; i < 3; i++) {
            y = y * x;
        }
        return y;
    }
}
