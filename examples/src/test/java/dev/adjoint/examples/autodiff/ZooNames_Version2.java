package dev.adjoint.examples.autodiff;

import dev.adjoint.annotation.Differentiable;

/** A top-level class named like the generated class of {@code ZooNames.Version2} (see {@link ZooNames}). */
final class ZooNames_Version2 {

    private ZooNames_Version2() {
    }

    @Differentiable
    static double shifted(double x) {
        return Math.sin(x) + 1;
    }
}
