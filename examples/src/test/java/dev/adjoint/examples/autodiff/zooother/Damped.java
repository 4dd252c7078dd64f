package dev.adjoint.examples.autodiff.zooother;

import dev.adjoint.annotation.Differentiable;
import dev.adjoint.examples.autodiff.PackageUnit;

/** Overrides a public differentiable method of a class in another package. */
public final class Damped extends PackageUnit {

    public Damped(double gain) {
        super(gain);
    }

    @Override
    @Differentiable
    public double apply(double x) {
        return Math.exp(-x * x) * gain().get() * x;
    }
}
