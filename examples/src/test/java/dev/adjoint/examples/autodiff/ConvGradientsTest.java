package dev.adjoint.examples.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.core.Shape;
import dev.adjoint.Tensor;
import dev.adjoint.core.TensorException;
import dev.adjoint.grad.GradCheck;
import dev.adjoint.op.Conv2dSpec;
import dev.adjoint.op.Pool2dSpec;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The generated derivatives of conv2d and pooling against central differences in float64. */
class ConvGradientsTest {

    /**
     * The checked function sums the squares of up to 2304 outputs, so {@code f} is about 1e4 and its float64
     * rounding about 1e-12; the 1e-6 central-difference step turns that into noise of about 1e-6 in the numeric
     * derivative, whatever order the kernels sum in. A wrong gradient is off by 1e-2 or more.
     */
    private static final double TOLERANCE = 1e-5;
    private final SplittableRandom random = new SplittableRandom(2025);

    private Tensor random(double low, double high, int... dims) {
        Shape shape = Shape.of(dims);
        double[] values = new double[(int) shape.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble(low, high);
        }
        return Tensor.of(values, shape);
    }

    private static void check(Function<Tensor, Tensor> f, Function<Tensor, Tensor> gradient, Tensor at) {
        GradCheck.check(f, gradient, at, TOLERANCE);
    }

    private void checkConv(int[] xDims, int[] wDims, Conv2dSpec spec) {
        Tensor x = random(-1, 1, xDims);
        Tensor w = random(-1, 1, wDims);
        check(t -> ConvFunctions.conv(t, w, spec), t -> ConvFunctionsGrad.convGradients(t, w, spec).x(), x);
        check(t -> ConvFunctions.conv(x, t, spec), t -> ConvFunctionsGrad.convGradients(x, t, spec).w(), w);
    }

    @Test
    void conv2dBothOperands() {
        checkConv(new int[] {1, 1, 1, 1}, new int[] {1, 1, 1, 1}, Conv2dSpec.of(1, 0));
        checkConv(new int[] {2, 3, 5, 6}, new int[] {4, 3, 3, 3}, Conv2dSpec.of(1, 1));
        // Strides, asymmetric padding and dilation differing per axis.
        checkConv(new int[] {2, 2, 7, 6}, new int[] {3, 2, 2, 3}, new Conv2dSpec(2, 1, 0, 2, 1, 0, 1, 2, 1));
        checkConv(new int[] {1, 2, 9, 9}, new int[] {2, 2, 3, 3}, Conv2dSpec.of(3, 2, 2, 1));
        // Groups, depthwise and pointwise.
        checkConv(new int[] {2, 4, 5, 5}, new int[] {6, 2, 3, 2}, new Conv2dSpec(1, 2, 1, 0, 0, 1, 1, 1, 2));
        checkConv(new int[] {1, 3, 6, 5}, new int[] {3, 1, 3, 3}, Conv2dSpec.of(1, 1, 1, 3));
        checkConv(new int[] {2, 4, 4, 3}, new int[] {6, 2, 1, 1}, Conv2dSpec.of(1, 0, 1, 2));
        // Large enough for the unfold-and-GEMM kernels.
        checkConv(new int[] {2, 4, 12, 12}, new int[] {8, 4, 3, 3}, Conv2dSpec.of(1, 1));
    }

    @Test
    void conv2dStrideAndPaddingOverload() {
        Tensor x = random(-1, 1, 2, 2, 7, 8);
        Tensor w = random(-0.5, 0.5, 3, 2, 3, 3);
        check(t -> ConvFunctions.convStrided(t, w), t -> ConvFunctionsGrad.convStridedGradients(t, w).x(), x);
        check(t -> ConvFunctions.convStrided(x, t), t -> ConvFunctionsGrad.convStridedGradients(x, t).w(), w);
    }

    @Test
    void pooling() {
        for (int[] dims : new int[][] {{1, 1, 2, 2}, {2, 3, 6, 6}, {1, 2, 7, 5}}) {
            Tensor x = random(-2, 2, dims);
            check(ConvFunctions::maxPool, t -> ConvFunctionsGrad.maxPoolGradients(t).x(), x);
            check(ConvFunctions::maxPoolPadded, t -> ConvFunctionsGrad.maxPoolPaddedGradients(t).x(), x);
            check(ConvFunctions::avgPool, t -> ConvFunctionsGrad.avgPoolGradients(t).x(), x);
            check(ConvFunctions::avgPoolPadded, t -> ConvFunctionsGrad.avgPoolPaddedGradients(t).x(), x);
        }
        Tensor x = random(-2, 2, 2, 2, 9, 8);
        for (Pool2dSpec.Kind kind : Pool2dSpec.Kind.values()) {
            // Rectangular, overlapping windows with different strides and padding per axis.
            Pool2dSpec spec = new Pool2dSpec(kind, 3, 2, 2, 1, 1, 0);
            check(t -> ConvFunctions.pool(t, spec), t -> ConvFunctionsGrad.poolGradients(t, spec).x(), x);
        }
    }

    @Test
    void maxPoolGivesTiesToTheFirstMaximum() {
        Tensor x = Tensor.of(new double[] {1, 3, 3, 0}, Shape.of(1, 1, 2, 2));
        // d/dx of max^2 at the first 3 only: 2 * 3.
        assertArrayEquals(new double[] {0, 6, 0, 0}, ConvFunctionsGrad.maxPoolGradients(x).x().toDoubleArray());
    }

    @Test
    void smallCnnLoss() {
        int batch = 3, classes = 4;
        Tensor x = random(-1, 1, batch, 2, 6, 6);
        Tensor kernels = random(-0.5, 0.5, 4, 2, 3, 3);
        Tensor dense = random(-0.5, 0.5, 4 * 3 * 3, classes);
        double[] oneHot = new double[batch * classes];
        for (int row = 0; row < batch; row++) {
            oneHot[row * classes + (row + 1) % classes] = 1;
        }
        Tensor labels = Tensor.of(oneHot, Shape.of(batch, classes));
        var gradients = ConvFunctionsGrad.cnnLossGradients(x, kernels, dense, labels);
        assertEquals(kernels.shape(), gradients.kernels().shape());
        check(t -> ConvFunctions.cnnLoss(x, t, dense, labels), t -> gradients.kernels(), kernels);
        check(t -> ConvFunctions.cnnLoss(x, kernels, t, labels), t -> gradients.dense(), dense);
        check(t -> ConvFunctions.cnnLoss(t, kernels, dense, labels), t -> gradients.x(), x);
    }

    @Test
    void backwardEntryPointsRejectAMismatchedOutputGradient() {
        Tensor x = random(-1, 1, 1, 2, 5, 5);
        Tensor w = random(-1, 1, 3, 2, 3, 3);
        Conv2dSpec spec = Conv2dSpec.of(1, 0);
        Tensor wrong = random(-1, 1, 1, 3, 4, 4);
        TensorException input = assertThrows(TensorException.class,
                () -> Tensor.conv2dBackwardInput(wrong, w, spec, x.shape()));
        assertTrue(input.getMessage().contains("output gradient has shape"), input.getMessage());
        assertThrows(TensorException.class, () -> Tensor.conv2dBackwardWeight(x, wrong, spec, w.shape()));
        assertThrows(TensorException.class,
                () -> x.pool2dBackward(wrong, new Pool2dSpec(Pool2dSpec.Kind.MAX, 2, 2, 2, 2, 0, 0)));
        assertThrows(TensorException.class, () -> x.pool2dBackward(wrong, new Pool2dSpec(Pool2dSpec.Kind.AVG, 2, 2,
                2, 2, 3, 0)));
    }
}
