package dev.adjoint.examples.autodiff;

import dev.adjoint.core.DType;
import dev.adjoint.core.Device;
import dev.adjoint.core.Slice;
import dev.adjoint.Tensor;
import dev.adjoint.annotation.Differentiable;
import dev.adjoint.annotation.NonDifferentiable;
import dev.adjoint.op.Conv2dSpec;
import dev.adjoint.op.Pool2dSpec;

/**
 * One differentiable method per overload of a {@code Tensor} primitive, each calling the primitive
 * alone, so the generated gradient is the rule itself; {@link RuleGradientsTest} runs each at every
 * rank the primitive accepts, seeded with a random output adjoint. Grouped as {@code TensorRules}.
 */
final class TensorRuleCases {

    private TensorRuleCases() {
    }

    // ---- linear ----

    @Differentiable static Tensor neg(Tensor x) { return x.neg(); }
    @Differentiable static Tensor add(Tensor a, Tensor b) { return a.add(b); }
    @Differentiable static Tensor addScalar(Tensor x, double s) { return x.add(s); }
    @Differentiable static Tensor mulLong(Tensor x) { return x.mul(3L); }
    @Differentiable static Tensor sub(Tensor a, Tensor b) { return a.sub(b); }
    @Differentiable static Tensor subScalar(Tensor x, double s) { return x.sub(s); }
    @Differentiable static Tensor sumAll(Tensor x) { return x.sum(); }
    @Differentiable static Tensor sumAxis(Tensor x, int axis) { return x.sum(axis); }
    @Differentiable static Tensor sumAxes(Tensor x, int[] axes, boolean keepDims) { return x.sum(axes, keepDims); }
    @Differentiable static Tensor meanAll(Tensor x) { return x.mean(); }
    @Differentiable static Tensor meanAxis(Tensor x, int axis) { return x.mean(axis); }
    @Differentiable static Tensor meanAxes(Tensor x, int[] axes, boolean keepDims) { return x.mean(axes, keepDims); }
    @Differentiable static Tensor transpose(Tensor x) { return x.transpose(); }
    @Differentiable static Tensor swapAxes(Tensor x, int axis1, int axis2) { return x.transpose(axis1, axis2); }
    @Differentiable static double item(Tensor x) { return x.item(); }

    // ---- bilinear ----

    @Differentiable static Tensor mul(Tensor a, Tensor b) { return a.mul(b); }
    @Differentiable static Tensor mulScalar(Tensor x, double s) { return x.mul(s); }
    @Differentiable static Tensor div(Tensor a, Tensor b) { return a.div(b); }
    @Differentiable static Tensor divScalar(Tensor x, double s) { return x.div(s); }
    @Differentiable static Tensor matmul(Tensor a, Tensor b) { return a.matmul(b); }
    @Differentiable static Tensor dot(Tensor a, Tensor b) { return a.dot(b); }
    @Differentiable static Tensor outer(Tensor a, Tensor b) { return a.outer(b); }

    // ---- uses output ----

    @Differentiable static Tensor exp(Tensor x) { return x.exp(); }
    @Differentiable static Tensor sqrt(Tensor x) { return x.sqrt(); }
    @Differentiable static Tensor rsqrt(Tensor x) { return x.rsqrt(); }
    @Differentiable static Tensor tanh(Tensor x) { return x.tanh(); }
    @Differentiable static Tensor sigmoid(Tensor x) { return x.sigmoid(); }
    @Differentiable static Tensor logSumExpAll(Tensor x) { return x.logSumExp(); }
    @Differentiable static Tensor logSumExpAxis(Tensor x, int axis) { return x.logSumExp(axis); }
    @Differentiable static Tensor logSumExpAxes(Tensor x, int[] axes, boolean keepDims) { return x.logSumExp(axes, keepDims); }
    @Differentiable static Tensor maxAll(Tensor x) { return x.max(); }
    @Differentiable static Tensor maxAxis(Tensor x, int axis) { return x.max(axis); }
    @Differentiable static Tensor maxAxes(Tensor x, int[] axes, boolean keepDims) { return x.max(axes, keepDims); }
    @Differentiable static Tensor minAll(Tensor x) { return x.min(); }
    @Differentiable static Tensor minAxis(Tensor x, int axis) { return x.min(axis); }
    @Differentiable static Tensor minAxes(Tensor x, int[] axes, boolean keepDims) { return x.min(axes, keepDims); }
    @Differentiable static Tensor prodAll(Tensor x) { return x.prod(); }
    @Differentiable static Tensor prodAxis(Tensor x, int axis) { return x.prod(axis); }
    @Differentiable static Tensor prodAxes(Tensor x, int[] axes, boolean keepDims) { return x.prod(axes, keepDims); }
    @Differentiable static Tensor softmaxLast(Tensor x) { return x.softmax(); }
    @Differentiable static Tensor softmaxAxis(Tensor x, int axis) { return x.softmax(axis); }
    @Differentiable static Tensor layerNorm(Tensor x, int axes) { return x.layerNorm(axes, 1e-3); }
    @Differentiable
    static Tensor layerNormAffine(Tensor x, int axes, Tensor scale, Tensor bias) {
        return x.layerNorm(axes, 1e-3, scale, bias);
    }
    @Differentiable static Tensor logSoftmaxLast(Tensor x) { return x.logSoftmax(); }
    @Differentiable static Tensor logSoftmaxAxis(Tensor x, int axis) { return x.logSoftmax(axis); }
    @Differentiable static Tensor pow(Tensor a, Tensor b) { return a.pow(b); }
    @Differentiable static Tensor powScalar(Tensor x, double s) { return x.pow(s); }

    // ---- nonlinear ----

    @Differentiable static Tensor log(Tensor x) { return x.log(); }
    @Differentiable static Tensor log1p(Tensor x) { return x.log1p(); }
    @Differentiable static Tensor square(Tensor x) { return x.square(); }
    @Differentiable static Tensor sin(Tensor x) { return x.sin(); }
    @Differentiable static Tensor cos(Tensor x) { return x.cos(); }
    @Differentiable static Tensor softplus(Tensor x) { return x.softplus(); }
    @Differentiable static Tensor erf(Tensor x) { return x.erf(); }
    @Differentiable static Tensor gelu(Tensor x) { return x.gelu(); }

    // ---- piecewise ----

    @Differentiable static Tensor abs(Tensor x) { return x.abs(); }
    /** Piecewise constant: its gradient is zero, which the case checks. */
    @SuppressWarnings("ResultIndependent")
    @Differentiable static Tensor sign(Tensor x) { return x.sign(); }
    @Differentiable static Tensor relu(Tensor x) { return x.relu(); }
    @Differentiable static Tensor clip(Tensor x, double low, double high) { return x.clip(low, high); }
    @Differentiable static Tensor maximum(Tensor a, Tensor b) { return a.maximum(b); }
    @Differentiable static Tensor maximumScalar(Tensor x, double s) { return x.maximum(s); }
    @Differentiable static Tensor minimum(Tensor a, Tensor b) { return a.minimum(b); }
    @Differentiable static Tensor minimumScalar(Tensor x, double s) { return x.minimum(s); }

    @Differentiable
    static Tensor where(@NonDifferentiable Tensor condition, Tensor a, Tensor b) {
        return Tensor.where(condition, a, b);
    }

    // ---- shape ----

    @Differentiable static Tensor reshape(Tensor x, int[] dims) { return x.reshape(dims); }
    @Differentiable static Tensor flatten(Tensor x) { return x.flatten(); }
    @Differentiable static Tensor squeezeAll(Tensor x) { return x.squeeze(); }
    @Differentiable static Tensor squeezeAxis(Tensor x, int axis) { return x.squeeze(axis); }
    @Differentiable static Tensor expandDims(Tensor x, int axis) { return x.expandDims(axis); }
    @Differentiable static Tensor getOne(Tensor x, int index) { return x.get(index); }
    @Differentiable static Tensor getMany(Tensor x, int[] indices) { return x.get(indices); }
    @Differentiable static Tensor broadcastTo(Tensor x, int[] dims) { return x.broadcastTo(dims); }
    @Differentiable static Tensor cast(Tensor x) { return x.cast(DType.FLOAT64); }

    // ---- neural-network ops ----

    @Differentiable
    static Tensor conv2d(Tensor x, Tensor w, @NonDifferentiable Conv2dSpec spec) {
        return x.conv2d(w, spec);
    }

    @Differentiable
    static Tensor conv2dStrided(Tensor x, Tensor w, int stride, int padding) {
        return x.conv2d(w, stride, padding);
    }

    @Differentiable static Tensor maxPool2d(Tensor x, int kernel) { return x.maxPool2d(kernel); }

    @Differentiable
    static Tensor maxPool2dStrided(Tensor x, int kernel, int stride, int padding) {
        return x.maxPool2d(kernel, stride, padding);
    }

    @Differentiable static Tensor avgPool2d(Tensor x, int kernel) { return x.avgPool2d(kernel); }

    @Differentiable
    static Tensor avgPool2dStrided(Tensor x, int kernel, int stride, int padding) {
        return x.avgPool2d(kernel, stride, padding);
    }

    @Differentiable
    static Tensor pool2d(Tensor x, @NonDifferentiable Pool2dSpec spec) {
        return x.pool2d(spec);
    }

    // ---- layout ----

    @Differentiable static Tensor permute(Tensor x, int[] axes) { return x.permute(axes); }
    @Differentiable static Tensor concat(int axis, Tensor a, Tensor b) { return Tensor.concat(axis, a, b); }
    @Differentiable static Tensor stack(int axis, Tensor a, Tensor b) { return Tensor.stack(axis, a, b); }
    @Differentiable static Tensor index(Tensor x, Slice[] slices) { return x.index(slices); }

    @Differentiable
    static Tensor gather(Tensor x, @NonDifferentiable Tensor indices, int axis) {
        return x.gather(indices, axis);
    }

    @Differentiable
    static Tensor indexAdd(Tensor x, @NonDifferentiable Tensor indices, Tensor updates, int axis) {
        return x.indexAdd(indices, updates, axis);
    }

    @Differentiable
    static Tensor full(double value) {
        return Tensor.full(value, 2, 3);
    }

    @Differentiable
    static Tensor fullTyped(double value) {
        return Tensor.full(DType.FLOAT64, value, 3);
    }

    @Differentiable
    static Tensor fullLike(Tensor like, double value) {
        return Tensor.fullLike(like, value);
    }

    @Differentiable
    static Tensor fullLikeLong(Tensor like) {
        return Tensor.fullLike(like, 3L);
    }

    @Differentiable
    static Tensor pad(Tensor x, int[][] padding, double fill) {
        return x.pad(padding, fill);
    }

    @Differentiable
    static Tensor to(Tensor x, @NonDifferentiable Device device) {
        return x.to(device);
    }
}
