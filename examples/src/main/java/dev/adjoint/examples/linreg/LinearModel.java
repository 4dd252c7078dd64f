package dev.adjoint.examples.linreg;

import dev.adjoint.Tensor;
import dev.adjoint.Variable;
import dev.adjoint.annotation.Differentiable;
import dev.adjoint.annotation.Export;
import dev.adjoint.annotation.NonDifferentiable;

/**
 * The lecture's model {@code prediction = x * w + b} and its losses, as plain Java over eager
 * tensors. The processor generates {@code LinearModelGrad} from these bodies; training calls its
 * implicit value-and-gradients functions.
 *
 * <p>The samples are data ({@code @NonDifferentiable}): only the variables are differentiated.
 * As in the lecture, {@code w} and {@code b} are float32 scalars starting at 0 and every sample
 * is a float32 scalar, so each operation rounds to float32 exactly where TensorFlow's does.
 */
public final class LinearModel {

    /** Huber's threshold {@code m}: quadratic up to it, linear beyond. */
    static final double HUBER_M = 1.0;

    final Variable w = new Variable(Tensor.of(0f), "w");
    final Variable b = new Variable(Tensor.of(0f), "b");

    /**
     * The model's prediction at {@code x}. Exported: {@code LinearModelIr.prediction} writes {@code x * w + b} as
     * OpenVINO IR and {@code LinearModelDeployment} runs it ({@code --export DIR}).
     */
    @Differentiable
    @Export
    Tensor prediction(@NonDifferentiable Tensor x) {
        return x.mul(w.value()).add(b.value());
    }

    /**
     * The lecture's Huber loss, {@code t² if |t| ≤ m else m·(2|t| − m)} with {@code t = y − prediction}:
     * the textbook form doubled, so its gradient is {@code 2t} inside and {@code ±2m} outside.
     */
    @Differentiable
    Tensor huber(@NonDifferentiable Tensor x, @NonDifferentiable Tensor y) {
        Tensor t = y.sub(prediction(x));
        if (t.abs().item() <= HUBER_M) {
            return t.square();
        }
        return t.abs().mul(2).sub(HUBER_M).mul(HUBER_M);
    }

    /** The textbook Huber loss, {@code ½t² if |t| ≤ m else m·(|t| − ½m)}. */
    @Differentiable
    Tensor huberTextbook(@NonDifferentiable Tensor x, @NonDifferentiable Tensor y) {
        Tensor t = y.sub(prediction(x));
        if (t.abs().item() <= HUBER_M) {
            return t.square().mul(0.5);
        }
        return t.abs().sub(0.5 * HUBER_M).mul(HUBER_M);
    }

    /** The lecture's squared loss, {@code (y − prediction)²}. */
    @Differentiable
    Tensor squared(@NonDifferentiable Tensor x, @NonDifferentiable Tensor y) {
        return y.sub(prediction(x)).square();
    }

    /** The current slope. */
    public float w() {
        return (float) w.value().item();
    }

    /** The current intercept. */
    public float b() {
        return (float) b.value().item();
    }
}
