package dev.adjoint.examples.autodiff;

import dev.adjoint.Tensor;
import dev.adjoint.Variable;
import dev.adjoint.annotation.Differentiable;

/** A two-layer perceptron whose weights are tensor Variables, trained through implicit gradients. */
final class TensorModel {

    final Variable w1;
    final Variable w2;
    final Variable scale = new Variable(1.0, "scale");

    TensorModel(Tensor w1, Tensor w2) {
        this.w1 = new Variable(w1, "w1");
        this.w2 = new Variable(w2, "w2");
    }

    @Differentiable
    Tensor loss(Tensor x, Tensor labels) {
        Tensor hidden = x.matmul(w1.value()).tanh();
        Tensor logits = hidden.matmul(w2.value()).mul(scale.get());
        return logits.logSoftmax(1).mul(labels).sum().neg().div((double) x.dim(0));
    }
}
