package dev.adjoint.examples.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.core.Shape;
import dev.adjoint.Tensor;
import dev.adjoint.grad.GradCheck;
import dev.adjoint.optim.Adam;
import dev.adjoint.optim.Momentum;
import dev.adjoint.optim.SGD;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Every tensor primitive's generated derivative against central differences in float64. */
class TensorGradientsTest {

    private static final double TOLERANCE = 1e-6;
    private final SplittableRandom random = new SplittableRandom(2024);

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

    @Test
    void tensorFlowNonScalarOutputIsSeededWithOnes() {
        Tensor x = Tensor.of(new double[] {0, 1, 2}, Shape.of(3));
        assertArrayEquals(new double[] {1, 3, 5}, TensorFunctionsGrad.polynomialGradients(x).x().toDoubleArray());
        Tensor dy = Tensor.of(new double[] {2, 0, 1}, Shape.of(3));
        assertArrayEquals(new double[] {2, 0, 5}, TensorFunctionsGrad.polynomialGradients(x, dy).x().toDoubleArray());
    }

    @Test
    void maxSplitsTheGradientBetweenTies() {
        Tensor x = Tensor.of(new double[] {1, 3, 3, 2}, Shape.of(4));
        assertArrayEquals(new double[] {0, 0.5, 0.5, 0}, TensorFunctionsGrad.maxAllGradients(x).x().toDoubleArray());
    }

    @Test
    void tensorFlowWhere() {
        assertEquals(1.0, TensorFunctionsGrad.whereGradients(Tensor.of(5.0)).x().item());
        assertEquals(100.0, TensorFunctionsGrad.whereGradients(Tensor.of(50.0)).x().item());
    }

    @Test
    void unaryPrimitives() {
        for (int[] dims : new int[][] {{}, {1}, {7}, {3, 5}, {17}}) {
            Tensor any = random(-2, 2, dims);
            Tensor positive = random(0.2, 3, dims);
            check(TensorFunctions::neg, x -> TensorFunctionsGrad.negGradients(x).x(), any);
            check(TensorFunctions::abs, x -> TensorFunctionsGrad.absGradients(x).x(), any);
            check(TensorFunctions::exp, x -> TensorFunctionsGrad.expGradients(x).x(), any);
            check(TensorFunctions::log, x -> TensorFunctionsGrad.logGradients(x).x(), positive);
            check(TensorFunctions::log1p, x -> TensorFunctionsGrad.log1pGradients(x).x(), positive);
            check(TensorFunctions::sqrt, x -> TensorFunctionsGrad.sqrtGradients(x).x(), positive);
            check(TensorFunctions::rsqrt, x -> TensorFunctionsGrad.rsqrtGradients(x).x(), positive);
            check(TensorFunctions::square, x -> TensorFunctionsGrad.squareGradients(x).x(), any);
            check(TensorFunctions::sin, x -> TensorFunctionsGrad.sinGradients(x).x(), any);
            check(TensorFunctions::cos, x -> TensorFunctionsGrad.cosGradients(x).x(), any);
            check(TensorFunctions::tanh, x -> TensorFunctionsGrad.tanhGradients(x).x(), any);
            check(TensorFunctions::sigmoid, x -> TensorFunctionsGrad.sigmoidGradients(x).x(), any);
            check(TensorFunctions::relu, x -> TensorFunctionsGrad.reluGradients(x).x(), any);
            check(TensorFunctions::softplus, x -> TensorFunctionsGrad.softplusGradients(x).x(), any);
            check(TensorFunctions::clip, x -> TensorFunctionsGrad.clipGradients(x).x(), any);
        }
    }

    @Test
    void binaryPrimitivesWithBroadcasting() {
        int[][][] shapes = {{{3, 4}, {3, 4}}, {{3, 4}, {4}}, {{3, 1}, {1, 4}}, {{}, {5}}, {{2, 3, 4}, {3, 1}}};
        for (int[][] pair : shapes) {
            Tensor a = random(0.5, 2, pair[0]);
            Tensor b = random(0.5, 2, pair[1]);
            checkBoth(TensorFunctions::add, (x, y) -> TensorFunctionsGrad.addGradients(x, y).a(),
                    (x, y) -> TensorFunctionsGrad.addGradients(x, y).b(), a, b);
            checkBoth(TensorFunctions::sub, (x, y) -> TensorFunctionsGrad.subGradients(x, y).a(),
                    (x, y) -> TensorFunctionsGrad.subGradients(x, y).b(), a, b);
            checkBoth(TensorFunctions::mul, (x, y) -> TensorFunctionsGrad.mulGradients(x, y).a(),
                    (x, y) -> TensorFunctionsGrad.mulGradients(x, y).b(), a, b);
            checkBoth(TensorFunctions::div, (x, y) -> TensorFunctionsGrad.divGradients(x, y).a(),
                    (x, y) -> TensorFunctionsGrad.divGradients(x, y).b(), a, b);
            checkBoth(TensorFunctions::pow, (x, y) -> TensorFunctionsGrad.powGradients(x, y).a(),
                    (x, y) -> TensorFunctionsGrad.powGradients(x, y).b(), a, b);
            checkBoth(TensorFunctions::maximum, (x, y) -> TensorFunctionsGrad.maximumGradients(x, y).a(),
                    (x, y) -> TensorFunctionsGrad.maximumGradients(x, y).b(), a, b);
            checkBoth(TensorFunctions::minimum, (x, y) -> TensorFunctionsGrad.minimumGradients(x, y).a(),
                    (x, y) -> TensorFunctionsGrad.minimumGradients(x, y).b(), a, b);
        }
        Tensor a = random(-1, 1, 5, 3);
        Tensor b = random(-1, 1, 3, 4);
        checkBoth(TensorFunctions::matmul, (x, y) -> TensorFunctionsGrad.matmulGradients(x, y).a(),
                (x, y) -> TensorFunctionsGrad.matmulGradients(x, y).b(), a, b);
    }

    private static void checkBoth(java.util.function.BinaryOperator<Tensor> f,
            java.util.function.BinaryOperator<Tensor> gradientA, java.util.function.BinaryOperator<Tensor> gradientB,
            Tensor a, Tensor b) {
        check(x -> f.apply(x, b), x -> gradientA.apply(x, b), a);
        check(y -> f.apply(a, y), y -> gradientB.apply(a, y), b);
    }

    @Test
    void scalarOperandsOfTensorOps() {
        Tensor x = random(0.5, 2, 6);
        double s = 1.3;
        check(t -> TensorFunctions.scalars(t, s), t -> TensorFunctionsGrad.scalarsGradients(t, s).x(), x);
        GradCheck.check(v -> TensorFunctions.scalars(x, v[0]).sum().item(),
                v -> new double[] {TensorFunctionsGrad.scalarsGradients(x, v[0]).s()}, new double[] {s});
    }

    @Test
    void reductionsSoftmaxAndShapes() {
        Tensor x = random(-1, 1, 3, 4);
        check(TensorFunctions::sumAll, t -> TensorFunctionsGrad.sumAllGradients(t).x(), x);
        check(TensorFunctions::sumAxis, t -> TensorFunctionsGrad.sumAxisGradients(t).x(), x);
        check(TensorFunctions::sumKeep, t -> TensorFunctionsGrad.sumKeepGradients(t).x(), x);
        check(TensorFunctions::meanAxis, t -> TensorFunctionsGrad.meanAxisGradients(t).x(), x);
        check(TensorFunctions::meanAll, t -> TensorFunctionsGrad.meanAllGradients(t).x(), x);
        check(TensorFunctions::logSumExp, t -> TensorFunctionsGrad.logSumExpGradients(t).x(), x);
        check(TensorFunctions::logSumExpAxis, t -> TensorFunctionsGrad.logSumExpAxisGradients(t).x(), x);
        check(TensorFunctions::softmax, t -> TensorFunctionsGrad.softmaxGradients(t).x(), x);
        check(TensorFunctions::logSoftmax, t -> TensorFunctionsGrad.logSoftmaxGradients(t).x(), x);
        check(TensorFunctions::transpose, t -> TensorFunctionsGrad.transposeGradients(t).x(), x);
        check(TensorFunctions::reshape, t -> TensorFunctionsGrad.reshapeGradients(t).x(), x);
        check(TensorFunctions::broadcastTo, t -> TensorFunctionsGrad.broadcastToGradients(t).x(), random(-1, 1, 4));
        check(TensorFunctions::swapAxes, t -> TensorFunctionsGrad.swapAxesGradients(t).x(), x);
        check(TensorFunctions::maxAll, t -> TensorFunctionsGrad.maxAllGradients(t).x(), x);
        check(TensorFunctions::maxAxis, t -> TensorFunctionsGrad.maxAxisGradients(t).x(), x);
        check(TensorFunctions::minKeep, t -> TensorFunctionsGrad.minKeepGradients(t).x(), x);
        Tensor positive = random(0.5, 1.5, 3, 4);
        check(TensorFunctions::prodAll, t -> TensorFunctionsGrad.prodAllGradients(t).x(), positive);
        check(TensorFunctions::prodAxis, t -> TensorFunctionsGrad.prodAxisGradients(t).x(), positive);
        check(TensorFunctions::logSumExpKeep, t -> TensorFunctionsGrad.logSumExpKeepGradients(t).x(), x);
        check(TensorFunctions::softmaxLast, t -> TensorFunctionsGrad.softmaxLastGradients(t).x(), x);
        Tensor a = random(-1, 1, 5);
        Tensor b = random(-1, 1, 5);
        checkBoth(TensorFunctions::dot, (u, v) -> TensorFunctionsGrad.dotGradients(u, v).a(),
                (u, v) -> TensorFunctionsGrad.dotGradients(u, v).b(), a, b);
    }

    @Test
    void itemLoopsAndMlp() {
        Tensor x = random(-1, 1, 5);
        check(t -> Tensor.of(TensorFunctions.itemAndBack(t)), t -> TensorFunctionsGrad.itemAndBackGradients(t).x(), x);
        for (int[] dims : new int[][] {{1, 3}, {5, 3}, {4, 2, 2}}) {
            check(TensorFunctions::rows, t -> TensorFunctionsGrad.rowsGradients(t).x(), random(-1, 1, dims));
        }
        for (int steps : new int[] {0, 1, 3}) {
            check(t -> TensorFunctions.smoothing(t, steps), t -> TensorFunctionsGrad.smoothingGradients(t, steps).x(), x);
        }
        Tensor input = random(-1, 1, 6, 5);
        Tensor w1 = random(-0.5, 0.5, 5, 7);
        Tensor w2 = random(-0.5, 0.5, 7, 3);
        double[] oneHot = new double[6 * 3];
        for (int row = 0; row < 6; row++) {
            oneHot[row * 3 + row % 3] = 1;
        }
        Tensor labels = Tensor.of(oneHot, Shape.of(6, 3));
        check(w -> TensorFunctions.mlpLoss(input, w, w2, labels),
                w -> TensorFunctionsGrad.mlpLossGradients(input, w, w2, labels).w1(), w1);
        check(w -> TensorFunctions.mlpLoss(input, w1, w, labels),
                w -> TensorFunctionsGrad.mlpLossGradients(input, w1, w, labels).w2(), w2);
    }

    @Test
    void tensorVariablesThroughImplicitGradientsAndOptimizers() {
        Tensor input = random(-1, 1, 8, 4);
        double[] oneHot = new double[8 * 3];
        for (int row = 0; row < 8; row++) {
            oneHot[row * 3 + row % 3] = 1;
        }
        Tensor labels = Tensor.of(oneHot, Shape.of(8, 3));
        Tensor w1 = random(-0.5, 0.5, 4, 6);
        Tensor w2 = random(-0.5, 0.5, 6, 3);
        TensorModel model = new TensorModel(w1, w2);
        var pairs = TensorModelGrad.lossImplicitGradients(model, input, labels);
        // Construction order: the field initialiser of scale runs before the constructor makes w1 and w2.
        assertEquals(List.of(model.scale, model.w1, model.w2), pairs.stream().map(pair -> pair.variable()).toList());
        check(w -> new TensorModel(w, w2).loss(input, labels), w -> pairs.get(1).tensorGradient(), w1);
        check(w -> new TensorModel(w1, w).loss(input, labels), w -> pairs.get(2).tensorGradient(), w2);
        GradCheck.check(v -> {
            TensorModel scaled = new TensorModel(w1, w2);
            scaled.scale.assign(v[0]);
            return scaled.loss(input, labels).item();
        }, v -> new double[] {pairs.get(0).gradient()}, new double[] {1.0});

        for (var optimizer : List.of(new SGD(0.5), new Momentum(0.2, 0.9), new Adam(0.05))) {
            TensorModel trained = new TensorModel(w1, w2);
            double first = trained.loss(input, labels).item();
            for (int step = 0; step < 30; step++) {
                optimizer.applyGradients(TensorModelGrad.lossImplicitGradients(trained, input, labels));
            }
            double last = trained.loss(input, labels).item();
            assertTrue(last < 0.7 * first, optimizer + ": loss " + first + " -> " + last);
        }
    }
}
