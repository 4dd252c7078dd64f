package dev.adjoint.examples.linreg;

import dev.adjoint.Variable;
import dev.adjoint.annotation.Differentiable;

/**
 * The lecture's model {@code prediction = w * x + b} and its two losses, as plain Java. The
 * processor generates {@code LinearModelGrad} from these bodies; training calls its implicit
 * value-and-gradients functions.
 *
 * <p>The parameters are scalar {@link Variable}s, which hold a plain {@code double}: one gradient
 * step runs a few dozen floating-point operations and allocates nothing but the result pairs.
 */
public final class LinearModel {

    /** Huber's threshold {@code m}: quadratic below it, linear above. */
    static final double HUBER_DELTA = 1.0;

    final Variable w = new Variable(0.0, "w");
    final Variable b = new Variable(0.0, "b");

    /** The model's prediction at {@code x}. */
    @Differentiable
    double predict(double x) {
        return w.get() * x + b.get();
    }

    /** Huber loss with {@code m = 1}, written with a plain {@code if}. */
    @Differentiable
    double huber(double x, double y) {
        double residual = Math.abs(y - predict(x));
        if (residual < HUBER_DELTA) {
            return 0.5 * residual * residual;
        }
        return HUBER_DELTA * residual - 0.5 * HUBER_DELTA * HUBER_DELTA;
    }

    /** Squared loss. */
    @Differentiable
    double squared(double x, double y) {
        double residual = y - predict(x);
        return residual * residual;
    }

    public double w() {
        return w.get();
    }

    public double b() {
        return b.get();
    }
}
