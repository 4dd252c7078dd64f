package dev.adjoint.examples.autodiff;

import dev.adjoint.annotation.Differentiable;

/**
 * Function zoo, round 2: the generated class of the nested class {@code ZooNames.Version2} is named
 * like that of the top-level class {@link ZooNames_Version2}; both need their gradients.
 */
final class ZooNames {

    private ZooNames() {
    }

    static final class Version2 {
        private Version2() {
        }

        @Differentiable
        static double scaled(double x) {
            return 3 * x * x;
        }
    }
}
