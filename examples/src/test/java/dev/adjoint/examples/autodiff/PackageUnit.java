package dev.adjoint.examples.autodiff;

import dev.adjoint.Variable;
import dev.adjoint.annotation.Differentiable;

/**
 * A public layer that subclasses in another package ({@code zooother}) extend: one overrides its
 * public method, another declares a package-private method of the same signature as
 * {@link #raw}, which in Java does not override it.
 */
public class PackageUnit {

    private final Variable gain;

    public PackageUnit(double gain) {
        this.gain = new Variable(gain, "gain");
    }

    public Variable gain() {
        return gain;
    }

    @Differentiable
    public double apply(double x) {
        return gain().get() * x;
    }

    /** Package-private: a class of another package cannot override it. */
    @Differentiable
    double raw(double x) {
        return Math.tanh(gain().get() * x);
    }

    @Differentiable
    public double applyRaw(double x) {
        return raw(x) + x;
    }
}
