package dev.adjoint.examples.digits;

import dev.adjoint.Tensor;
import dev.adjoint.core.DType;
import dev.adjoint.grad.GradCheck;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The example models' generated loss gradients against float64 central differences: a loss that calls the
 * exported {@code predict} (a layer call reading four variables), with softmax cross-entropy over a batch, and the
 * CNN's reshape, convolution, bias, ReLU and max pooling. The models are built in float64 for the check.
 */
class DigitsGradientsTest {

    private static final double TOLERANCE = 1e-6;

    @Test
    void mlpLossThroughPredictMatchesFiniteDifferences() {
        Digits digits = Digits.load();
        int[] rows = {0, 5, 17, 42, 99};
        Tensor x = digits.images(rows).cast(DType.FLOAT64);
        Tensor labels = digits.oneHotLabels(rows).cast(DType.FLOAT64);
        DigitsMlp model = new DigitsMlp(6, new SplittableRandom(4), DType.FLOAT64);
        // Biases start at zero, where ReLU's kink would sit on ties; move them off it.
        model.b1.assign(Tensor.randomUniform(new SplittableRandom(5), 0.05, 0.2, 6).cast(DType.FLOAT64));
        GradCheck.checkVariables(() -> model.loss(x, labels).item(),
                DigitsMlpGrad.lossImplicitGradients(model, x, labels), TOLERANCE);
    }

    @Test
    void cnnLossThroughConvolutionAndPoolingMatchesFiniteDifferences() {
        Digits digits = Digits.load();
        int[] rows = {3, 8, 64};
        Tensor x = digits.images(rows).cast(DType.FLOAT64);
        Tensor labels = digits.oneHotLabels(rows).cast(DType.FLOAT64);
        DigitsCnn model = new DigitsCnn(2, new SplittableRandom(6), DType.FLOAT64);
        model.channelBias.assign(Tensor.randomUniform(new SplittableRandom(7), 0.05, 0.2, 1, 2, 1, 1)
                .cast(DType.FLOAT64));
        GradCheck.checkVariables(() -> model.loss(x, labels).item(),
                DigitsCnnGrad.lossImplicitGradients(model, x, labels), TOLERANCE);
    }
}
