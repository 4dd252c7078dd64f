package dev.adjoint.examples.autodiff;

import dev.adjoint.Tensor;
import dev.adjoint.annotation.Derivative;
import dev.adjoint.annotation.Differentiable;

/** User-supplied derivatives of Tensor-valued functions, the same mechanism as the built-in rules. */
final class UserRules {

    private UserRules() {
    }

    /** log(1 + exp(x)) computed stably; its derivative is the sigmoid. */
    static Tensor softplus(Tensor x) {
        return x.relu().add(x.abs().neg().exp().log1p());
    }

    @Derivative(of = "softplus")
    static Tensor softplusGrad(Tensor x, Tensor g) {
        return g.mul(x.sigmoid());
    }

    /** A two-argument primitive with one rule per argument, the second using the output. */
    static Tensor scaledExp(Tensor x, Tensor k) {
        return x.mul(k).exp();
    }

    @Derivative(of = "scaledExp", argument = 0)
    static Tensor scaledExpX(Tensor x, Tensor k, Tensor out, Tensor g) {
        return g.mul(out).mul(k);
    }

    @Derivative(of = "scaledExp", argument = 1)
    static Tensor scaledExpK(Tensor x, Tensor k, Tensor out, Tensor g) {
        return g.mul(out).mul(x);
    }

    @Differentiable
    static Tensor loss(Tensor x, Tensor k) {
        return softplus(x.mul(2.0)).add(scaledExp(x, k)).sum();
    }
}
