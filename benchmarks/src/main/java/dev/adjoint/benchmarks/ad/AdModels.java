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

    /** Softmax cross-entropy of a two-layer perceptron; labels are one-hot rows. */
    @Differentiable
    public static Tensor mlpLoss(@NonDifferentiable Tensor x, Tensor w1, Tensor w2, @NonDifferentiable Tensor labels) {
        Tensor hidden = x.matmul(w1).relu();
        Tensor logits = hidden.matmul(w2);
        return logits.logSoftmax(1).mul(labels).sum().neg().div((double) x.dim(0));
    }
}
