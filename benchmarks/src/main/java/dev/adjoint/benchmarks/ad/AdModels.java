package dev.adjoint.benchmarks.ad;

import dev.adjoint.Tensor;
import dev.adjoint.Variable;
import dev.adjoint.annotation.Differentiable;
import dev.adjoint.annotation.NonDifferentiable;

/** The two models whose gradient cost the AD benchmarks compare with their forward cost. */
public final class AdModels {

    private AdModels() {
    }

    /** The lecture's linear model with a Huber loss (m = 1). */
    public static final class Huber {
        final Variable w = new Variable(-2.0, "w");
        final Variable b = new Variable(70.0, "b");

        @Differentiable
        double loss(double x, double y) {
            double residual = Math.abs(y - (w.get() * x + b.get()));
            if (residual < 1.0) {
                return 0.5 * residual * residual;
            }
            return residual - 0.5;
        }
    }

    /** {@code sum(relu(x * 1.5 + 0.25))}: the op-by-op elementwise chain, differentiated. */
    @Differentiable
    public static Tensor reluChain(Tensor x) {
        return x.mul(1.5).add(0.25).relu().sum();
    }

    /** The two-layer perceptron of {@link #mlpLoss} with its weights in trainable variables. */
    public static final class Mlp {
        final Variable w1;
        final Variable w2;

        public Mlp(Tensor w1, Tensor w2) {
            this.w1 = new Variable(w1, "w1");
            this.w2 = new Variable(w2, "w2");
        }

        @Differentiable
        public Tensor loss(@NonDifferentiable Tensor x, @NonDifferentiable Tensor labels) {
            Tensor hidden = x.matmul(w1.value()).relu();
            Tensor logits = hidden.matmul(w2.value());
            return logits.logSoftmax(1).mul(labels).sum().neg().div((double) x.dim(0));
        }
    }

    /** Softmax cross-entropy of a two-layer perceptron; labels are one-hot rows. */
    @Differentiable
    public static Tensor mlpLoss(@NonDifferentiable Tensor x, Tensor w1, Tensor w2, @NonDifferentiable Tensor labels) {
        Tensor hidden = x.matmul(w1).relu();
        Tensor logits = hidden.matmul(w2);
        return logits.logSoftmax(1).mul(labels).sum().neg().div((double) x.dim(0));
    }
}
