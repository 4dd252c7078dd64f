package dev.adjoint.examples.autodiff;

import dev.adjoint.Variable;
import dev.adjoint.annotation.Differentiable;
import java.util.List;

/**
 * Differentiable methods that subclasses override and interfaces declare: the gradient always
 * follows the body the object runs.
 */
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

    /** Inherits {@link Base#f} as it is. */
    static class Plain extends Base {
    }

    /** Overrides {@link Base#f} without {@code @Differentiable}: its gradient is unknown. */
    static class Unannotated extends Base {
        @Override
        double f(double x) {
            return x * x * x;
        }
    }

    /** A layer interface, as a sequential model holds them. */
    interface Layer {
        @Differentiable
        double apply(double x);
    }

    static final class Scale implements Layer {
        final Variable gain = new Variable(0.8, "gain");

        @Override
        @Differentiable
        public double apply(double x) {
            return gain.get() * x;
        }
    }

    static final class Square implements Layer {
        @Override
        @Differentiable
        public double apply(double x) {
            return x * x + 1;
        }
    }

    @Differentiable
    static double callThroughBase(Base model, double x) {
        return model.f(x) + x;
    }

    @Differentiable
    static double sequential(List<Layer> layers, double x) {
        double h = x;
        for (Layer layer : layers) {
            h = layer.apply(h);
        }
        return h;
    }
}
