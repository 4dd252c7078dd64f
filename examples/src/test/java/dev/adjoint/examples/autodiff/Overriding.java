package dev.adjoint.examples.autodiff;

import dev.adjoint.Variable;
import dev.adjoint.annotation.Differentiable;

/** A differentiable method a subclass overrides: the base's gradient must not be used for the override. */
final class Overriding {

    private Overriding() {
    }

    static class Base {
        final Variable w = new Variable(1.5, "w");

        @Differentiable
        double f(double x) {
            return w.get() * x;
        }
    }

    static class Sub extends Base {
        @Override
        @Differentiable
        double f(double x) {
            return 2 * w.get() * x * x;
        }
    }

    /** Not overridden by {@link Plain}. */
    static class Plain extends Base {
    }

    @Differentiable
    static double callThroughBase(Base model, double x) {
        return model.f(x) + x;
    }
}
