package dev.adjoint.examples.autodiff;

import dev.adjoint.Variable;
import dev.adjoint.annotation.Differentiable;

/** Differentiable methods in another compilation unit, static and instance. */
final class Helpers {

    private Helpers() {
    }

    @Differentiable
    static double square(double x) {
        return x * x;
    }

    @Differentiable
    static double hypot3(double a, double b, double c) {
        return Math.sqrt(a * a + b * b + c * c);
    }

    /** A model with parameters, read by an instance method. */
    static final class Line {
        final Variable slope = new Variable(0.5, "slope");
        final Variable intercept = new Variable(-1.0, "intercept");
        final Variable frozen = new Variable(3.0, "frozen", false);
        final Variable unused = new Variable(7.0, "unused");

        @Differentiable
        double predict(double x) {
            return slope.get() * x + intercept.get() + 0 * frozen.get();
        }

        @Differentiable
        double squaredError(double x, double y) {
            double ignored = unused.get();
            double d = predict(x) - y;
            return d * d;
        }
    }
}
