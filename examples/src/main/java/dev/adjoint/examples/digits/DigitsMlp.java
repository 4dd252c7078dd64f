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
 * A two-layer perceptron for the digits: 64 pixels, a ReLU hidden layer, 10 logits, softmax
 * cross-entropy. Weights start He-normal, biases at zero.
 */
public final class DigitsMlp {
    final Variable w1;
    final Variable b1;
    final Variable w2;
    final Variable b2;

    /**
     * The example's model (64 hidden units) with seed-0 weights: what {@code adjoint-ov convert DigitsMlp --checkpoint}
     * constructs before it restores the checkpoint's weights.
     */
    public DigitsMlp() {
        this(64, new java.util.SplittableRandom(0));
    }

    /** A model with {@code hidden} hidden units, initialised from {@code random}. */
    public DigitsMlp(int hidden, RandomGenerator random) {
        this(hidden, random, DType.FLOAT32);
    }

    /** The same with float64 weights: what gradient checks against finite differences need. */
    DigitsMlp(int hidden, RandomGenerator random, DType dtype) {
        w1 = new Variable(Tensor.randomNormal(random, 0, Math.sqrt(2.0 / Digits.PIXELS), Digits.PIXELS, hidden)
                .cast(dtype), "w1");
        b1 = new Variable(Tensor.zeros(dtype, hidden), "b1");
        w2 = new Variable(Tensor.randomNormal(random, 0, Math.sqrt(2.0 / hidden), hidden, Digits.CLASSES).cast(dtype),
                "w2");
        b2 = new Variable(Tensor.zeros(dtype, Digits.CLASSES), "b2");
    }

    /** The variables, for checkpoints and optimizers. */
    public List<Variable> variables() {
        return List.of(w1, b1, w2, b2);
    }

    /**
     * The logits of a batch of images {@code x} (batch x 64). Exported: the processor generates
     * {@code DigitsMlpIr.predict} (the IR of this method, with the current weights) and {@code DigitsMlpDeployment}
     * (the same call on the inference engine).
     */
    @Differentiable
    @Export
    public Tensor predict(@NonDifferentiable Tensor x) {
        Tensor hidden = x.matmul(w1.value()).add(b1.value()).relu();
        return hidden.matmul(w2.value()).add(b2.value());
    }

    /** Mean softmax cross-entropy of a batch; {@code labels} are one-hot rows. */
    @Differentiable
    public Tensor loss(@NonDifferentiable Tensor x, @NonDifferentiable Tensor labels) {
        return predict(x).logSoftmax(1).mul(labels).sum().neg().div((double) x.dim(0));
    }
}
