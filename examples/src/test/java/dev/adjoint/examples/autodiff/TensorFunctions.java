package dev.adjoint.examples.autodiff;

import dev.adjoint.Tensor;
import dev.adjoint.annotation.Differentiable;
import dev.adjoint.annotation.NonDifferentiable;

/** One differentiable method per tensor primitive, plus TensorFlow's tensor tests and a small MLP loss. */
final class TensorFunctions {

    private TensorFunctions() {
    }

    /** TensorFlow's {@code x + 2 + x*x}: a non-scalar output, seeded with ones. */
    @Differentiable
    static Tensor polynomial(Tensor x) {
        return x.add(2.0).add(x.mul(x));
    }

    /** TensorFlow's {@code where(x < 10, x, x*x)}. */
    @Differentiable
    static Tensor where(Tensor x) {
        return Tensor.where(x.lt(10.0), x, x.mul(x));
    }

    @Differentiable static Tensor neg(Tensor x) { return x.neg(); }
    @Differentiable static Tensor abs(Tensor x) { return x.abs(); }
    @Differentiable static Tensor exp(Tensor x) { return x.exp(); }
    @Differentiable static Tensor log(Tensor x) { return x.log(); }
    @Differentiable static Tensor log1p(Tensor x) { return x.log1p(); }
    @Differentiable static Tensor sqrt(Tensor x) { return x.sqrt(); }
    @Differentiable static Tensor rsqrt(Tensor x) { return x.rsqrt(); }
    @Differentiable static Tensor square(Tensor x) { return x.square(); }
    @Differentiable static Tensor sin(Tensor x) { return x.sin(); }
    @Differentiable static Tensor cos(Tensor x) { return x.cos(); }
    @Differentiable static Tensor tanh(Tensor x) { return x.tanh(); }
    @Differentiable static Tensor sigmoid(Tensor x) { return x.sigmoid(); }
    @Differentiable static Tensor relu(Tensor x) { return x.relu(); }
    @Differentiable static Tensor softplus(Tensor x) { return x.softplus(); }
    @Differentiable static Tensor clip(Tensor x) { return x.clip(-0.5, 0.5); }

    @Differentiable static Tensor add(Tensor a, Tensor b) { return a.add(b); }
    @Differentiable static Tensor sub(Tensor a, Tensor b) { return a.sub(b); }
    @Differentiable static Tensor mul(Tensor a, Tensor b) { return a.mul(b); }
    @Differentiable static Tensor div(Tensor a, Tensor b) { return a.div(b); }
    @Differentiable static Tensor pow(Tensor a, Tensor b) { return a.pow(b); }
    @Differentiable static Tensor maximum(Tensor a, Tensor b) { return a.maximum(b); }
    @Differentiable static Tensor minimum(Tensor a, Tensor b) { return a.minimum(b); }
    @Differentiable static Tensor matmul(Tensor a, Tensor b) { return a.matmul(b); }

    /** Scalar operands of tensor ops, differentiated too. */
    @Differentiable
    static Tensor scalars(Tensor x, double s) {
        return x.mul(s).add(s).sub(s * s).div(s).pow(2.0).maximum(s).minimum(3 * s);
    }

    @Differentiable static Tensor sumAll(Tensor x) { return x.sum(); }
    @Differentiable static Tensor sumAxis(Tensor x) { return x.sum(1); }
    @Differentiable static Tensor sumKeep(Tensor x) { return x.sum(new int[] {0}, true); }
    @Differentiable static Tensor meanAxis(Tensor x) { return x.mean(0); }
    @Differentiable static Tensor meanAll(Tensor x) { return x.mean(); }
    @Differentiable static Tensor logSumExp(Tensor x) { return x.logSumExp(); }
    @Differentiable static Tensor logSumExpAxis(Tensor x) { return x.logSumExp(1); }
    @Differentiable static Tensor softmax(Tensor x) { return x.softmax(1).mul(x); }
    @Differentiable static Tensor logSoftmax(Tensor x) { return x.logSoftmax(1).mul(x); }
    @Differentiable static Tensor transpose(Tensor x) { return x.transpose().mul(x.transpose().exp()); }
    @Differentiable static Tensor reshape(Tensor x) { return x.reshape(4, 3).square(); }
    @Differentiable static Tensor broadcastTo(Tensor x) { return x.broadcastTo(3, 4).square(); }
    @Differentiable static Tensor swapAxes(Tensor x) { return x.transpose(0, 1).mul(x.transpose(0, 1).sin()); }
    @Differentiable static Tensor maxAll(Tensor x) { return x.max(); }
    @Differentiable static Tensor maxAxis(Tensor x) { return x.max(1).square(); }
    @Differentiable static Tensor minKeep(Tensor x) { return x.min(new int[] {0}, true).square(); }
    @Differentiable static Tensor prodAll(Tensor x) { return x.prod(); }
    @Differentiable static Tensor prodAxis(Tensor x) { return x.prod(0); }
    @Differentiable static Tensor logSumExpKeep(Tensor x) { return x.logSumExp(new int[] {1}, true).mul(x); }
    @Differentiable static Tensor softmaxLast(Tensor x) { return x.softmax().mul(x).add(x.logSoftmax()); }
    @Differentiable static Tensor dot(Tensor a, Tensor b) { return a.dot(b).mul(a.outer(b).sum()); }

    /** A scalar computed from a tensor with {@code item()}, used in scalar code, and fed back. */
    @Differentiable
    static double itemAndBack(Tensor x) {
        double total = x.square().sum().item();
        double scaled = Math.sqrt(total) * 2;
        return x.mul(scaled).sum().item();
    }

    /** A loop over tensors: repeated smoothing. */
    @Differentiable
    static Tensor smoothing(Tensor x, int steps) {
        Tensor y = x;
        for (int i = 0; i < steps; i++) {
            y = y.tanh().add(x.mul(0.5));
        }
        return y;
    }

    /** Enhanced for over a tensor's rows, with a data-dependent branch per row. */
    @Differentiable
    static Tensor rows(Tensor x) {
        Tensor total = x.get(0).mul(0.0);
        for (Tensor row : x) {
            if (row.sum().item() > 0) {
                total = total.add(row.square());
            } else {
                total = total.sub(row.sin());
            }
        }
        return total;
    }

    /** Softmax cross-entropy of a two-layer perceptron; labels are one-hot rows. */
    @Differentiable
    static Tensor mlpLoss(Tensor x, Tensor w1, Tensor w2, @NonDifferentiable Tensor labels) {
        Tensor hidden = x.matmul(w1).relu();
        Tensor logits = hidden.matmul(w2);
        Tensor logProbabilities = logits.logSoftmax(1);
        return logProbabilities.mul(labels).sum().neg().div((double) x.dim(0));
    }
}
