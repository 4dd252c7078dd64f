package dev.adjoint.examples.autodiff;

import dev.adjoint.Variable;
import dev.adjoint.annotation.Derivative;
import dev.adjoint.annotation.Differentiable;

/** The functions of the lecture and of TensorFlow's eager-mode gradient tests, as plain Java. */
final class Eager {

    /** The lecture's {@code x = tfe.Variable(2.0)}. */
    static final Variable X = new Variable(2.0, "x");

    /** For the SGD test; reset by the test. */
    static final Variable SGD_X = new Variable(2.0, "sgd_x");

    private Eager() {
    }

    @Differentiable
    static double square(double x) {
        return x * x;
    }

    /** The lecture: {@code loss(y) = (y - x**2)**2} over the variable {@code x}. */
    @Differentiable
    static double loss(double y) {
        double x = X.get();
        double d = y - x * x;
        return d * d;
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
    static double where(double x) {
        return x < 10 ? x : x * x;
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

    /** TensorFlow's {@code lambda: 2 * x} for the SGD test. */
    @Differentiable
    static double twice() {
        return 2 * SGD_X.get();
    }
}
