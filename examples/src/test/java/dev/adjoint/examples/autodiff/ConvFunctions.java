package dev.adjoint.examples.autodiff;

import dev.adjoint.Tensor;
import dev.adjoint.annotation.Differentiable;
import dev.adjoint.annotation.NonDifferentiable;
import dev.adjoint.op.Conv2dSpec;
import dev.adjoint.op.Pool2dSpec;

/**
 * Differentiable uses of conv2d and pooling, each followed by a nonlinearity so that the output
 * gradient reaching the op differs from element to element, plus a small CNN loss.
 */
final class ConvFunctions {

    private ConvFunctions() {
    }

    @Differentiable
    static Tensor conv(Tensor x, Tensor w, @NonDifferentiable Conv2dSpec spec) {
        return x.conv2d(w, spec).square();
    }

    /** The square-stride, symmetric-padding overload. */
    @Differentiable
    static Tensor convStrided(Tensor x, Tensor w) {
        return x.conv2d(w, 2, 1).tanh();
    }

    @Differentiable static Tensor maxPool(Tensor x) { return x.maxPool2d(2).square(); }
    @Differentiable static Tensor maxPoolPadded(Tensor x) { return x.maxPool2d(3, 2, 1).square(); }
    @Differentiable static Tensor avgPool(Tensor x) { return x.avgPool2d(2).square(); }
    @Differentiable static Tensor avgPoolPadded(Tensor x) { return x.avgPool2d(3, 2, 1).square(); }

    @Differentiable
    static Tensor pool(Tensor x, @NonDifferentiable Pool2dSpec spec) {
        return x.pool2d(spec).square();
    }

    /**
     * Softmax cross-entropy of conv2d (3x3, "same" padding) -> relu -> 2x2 max pooling -> flatten ->
     * dense layer; labels are one-hot rows.
     */
    @Differentiable
    static Tensor cnnLoss(Tensor x, Tensor kernels, Tensor dense, @NonDifferentiable Tensor labels) {
        Tensor features = x.conv2d(kernels, 1, 1).relu().maxPool2d(2);
        int batch = features.dim(0);
        Tensor flat = features.reshape(batch, features.dim(1) * features.dim(2) * features.dim(3));
        Tensor logProbabilities = flat.matmul(dense).logSoftmax();
        return logProbabilities.mul(labels).sum().neg().div((double) batch);
    }
}
