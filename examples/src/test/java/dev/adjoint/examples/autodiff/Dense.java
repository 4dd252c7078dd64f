package dev.adjoint.examples.autodiff;

import dev.adjoint.Tensor;
import dev.adjoint.Variable;
import dev.adjoint.annotation.Differentiable;
import java.util.SplittableRandom;

/** A layer object, as users write them: Variable fields and a differentiable apply. */
final class Dense {

    final Variable w;
    final Variable b;

    Dense(int in, int out, SplittableRandom random, String name) {
        this.w = new Variable(Tensor.randomNormal(random, 0, 1, in, out).cast(dev.adjoint.core.DType.FLOAT64), name + ".w");
        this.b = new Variable(Tensor.randomNormal(random, 0, 1, out).cast(dev.adjoint.core.DType.FLOAT64), name + ".b");
    }

    @Differentiable
    Tensor apply(Tensor x) {
        return x.matmul(w.value()).add(b.value());
    }
}
