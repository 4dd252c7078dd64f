package dev.adjoint.examples.autodiff.zooother;

import dev.adjoint.annotation.Differentiable;
import dev.adjoint.examples.autodiff.PackageUnit;

/**
 * Declares {@code raw(double)} like {@link PackageUnit}'s package-private method: from another
 * package that is a new method, not an override, so {@link PackageUnit#applyRaw} still runs
 * {@code PackageUnit.raw}.
 */
public final class Shadowing extends PackageUnit {

    public Shadowing() {
        super(0.6);
    }

    @Differentiable
    double raw(double x) {
        return 100 * x;
    }

    /** Calls this class's own raw, so that the method is used. */
    @Differentiable
    public double ownRaw(double x) {
        return raw(x);
    }
}
