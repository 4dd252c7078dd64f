package dev.adjoint.examples.digits;

import dev.adjoint.Tensor;
import dev.adjoint.Variable;
import dev.adjoint.core.DType;
import dev.adjoint.annotation.Differentiable;
import dev.adjoint.annotation.Export;
import dev.adjoint.annotation.NonDifferentiable;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A small convolutional network for the 8x8 digits: a 3x3 convolution with {@code filters} channels (padding 1),
 * ReLU, 2x2 max pooling to 4x4, then a dense layer to the 10 logits. Weights start He-normal, biases at zero.
 */
public final class DigitsCnn {
    final Variable kernel;
    final Variable channelBias;
    final Variable dense;
    final Variable denseBias;
    final int filters;

    /**
     * The example's model (8 channels) with seed-0 weights: what {@code adjoint-ov convert DigitsCnn --checkpoint}
     * constructs before it restores the checkpoint's weights.
     */
    public DigitsCnn() {
        this(8, new java.util.SplittableRandom(0));
    }

    /** A network with {@code filters} convolution channels, initialised from {@code random}. */
    public DigitsCnn(int filters, RandomGenerator random) {
        this(filters, random, DType.FLOAT32);
    }

    /** The same with float64 weights: what gradient checks against finite differences need. */
    DigitsCnn(int filters, RandomGenerator random, DType dtype) {
        this.filters = filters;
        kernel = new Variable(Tensor.randomNormal(random, 0, Math.sqrt(2.0 / 9), filters, 1, 3, 3).cast(dtype),
                "kernel");
        channelBias = new Variable(Tensor.zeros(dtype, 1, filters, 1, 1), "channel_bias");
        int features = filters * 4 * 4;
        dense = new Variable(Tensor.randomNormal(random, 0, Math.sqrt(2.0 / features), features, Digits.CLASSES)
                .cast(dtype), "dense");
        denseBias = new Variable(Tensor.zeros(dtype, Digits.CLASSES), "dense_bias");
    }

    /** The variables, for checkpoints and optimizers. */
    public List<Variable> variables() {
        return List.of(kernel, channelBias, dense, denseBias);
    }

    /** The logits of a batch of images {@code x} (batch x 64, each row an 8x8 image). Exported like the MLP's. */
    @Differentiable
    @Export
    public Tensor predict(@NonDifferentiable Tensor x) {
        Tensor images = x.reshape(-1, 1, 8, 8);
        Tensor features = images.conv2d(kernel.value(), 1, 1).add(channelBias.value()).relu().maxPool2d(2);
        return features.reshape(-1, filters * 4 * 4).matmul(dense.value()).add(denseBias.value());
    }

    /** Mean softmax cross-entropy of a batch; {@code labels} are one-hot rows. */
    @Differentiable
    public Tensor loss(@NonDifferentiable Tensor x, @NonDifferentiable Tensor labels) {
        return predict(x).logSoftmax(1).mul(labels).sum().neg().div((double) x.dim(0));
    }
}
