package dev.adjoint.examples.autodiff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.core.Shape;
import dev.adjoint.Tensor;
import dev.adjoint.core.TensorException;
import dev.adjoint.grad.GradCheck;
import java.util.SplittableRandom;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Derivatives of the layout ops (permute, concat, stack, index, get, gather, batched matmul) against central differences. */
class LayoutGradientsTest {

    private static final double TOLERANCE = 1e-6;
    private final SplittableRandom random = new SplittableRandom(77);

    private Tensor random(int... dims) {
        Shape shape = Shape.of(dims);
        double[] values = new double[(int) shape.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextDouble(-2, 2);
        }
        return Tensor.of(values, shape);
    }

    /** A weight shaped like {@code f}'s output at {@code x}, so the check sees every output position. */
    private Tensor weightFor(Tensor output) {
        return random(output.shape().dims());
    }

    private static void check(UnaryOperator<Tensor> f, UnaryOperator<Tensor> gradient, Tensor at) {
        GradCheck.check(f, gradient, at, TOLERANCE);
    }

    private static void checkBoth(BinaryOperator<Tensor> f, BinaryOperator<Tensor> gradientA,
            BinaryOperator<Tensor> gradientB, Tensor a, Tensor b) {
        check(x -> f.apply(x, b), x -> gradientA.apply(x, b), a);
        check(y -> f.apply(a, y), y -> gradientB.apply(a, y), b);
    }

    @Test
    void permuteAndTransposeTakeTheInversePermutation() {
        for (int[] dims : new int[][] {{2, 3, 4}, {1, 7, 1}, {3, 1, 5}, {0, 2, 3}}) {
            Tensor x = random(dims);
            Tensor w1 = weightFor(x.permute(2, 0, 1));
            check(t -> LayoutFunctions.permute(t, w1), t -> LayoutFunctionsGrad.permuteGradients(t, w1).x(), x);
            Tensor w2 = weightFor(x.permute(-1, 0, -2));
            check(t -> LayoutFunctions.permuteNegativeAxes(t, w2),
                    t -> LayoutFunctionsGrad.permuteNegativeAxesGradients(t, w2).x(), x);
            Tensor w3 = weightFor(x.permute(1, 2, 0));
            check(t -> LayoutFunctions.permuteArray(t, w3), t -> LayoutFunctionsGrad.permuteArrayGradients(t, w3).x(), x);
            Tensor w4 = weightFor(x.transpose());
            check(t -> LayoutFunctions.transposeAll(t, w4), t -> LayoutFunctionsGrad.transposeAllGradients(t, w4).x(), x);
            Tensor w5 = weightFor(x.transpose(0, -1));
            check(t -> LayoutFunctions.swapAxes(t, w5), t -> LayoutFunctionsGrad.swapAxesGradients(t, w5).x(), x);
        }
    }

    @Test
    void concatAndStackSplitTheAdjoint() {
        for (int[][] dims : new int[][][] {{{2, 3}, {2, 5}}, {{1, 1}, {1, 7}}, {{3, 0}, {3, 2}}}) {
            Tensor a = random(dims[0]);
            Tensor b = random(dims[1]);
            Tensor w = weightFor(Tensor.concat(1, a, b));
            checkBoth((x, y) -> LayoutFunctions.concat(x, y, w), (x, y) -> LayoutFunctionsGrad.concatGradients(x, y, w).a(),
                    (x, y) -> LayoutFunctionsGrad.concatGradients(x, y, w).b(), a, b);
        }
        // The same tensor twice: both parts' adjoints add up in a.
        Tensor a = random(2, 3, 4);
        Tensor b = random(2, 3, 4);
        Tensor w3 = weightFor(Tensor.concat(-1, a, b, a));
        checkBoth((x, y) -> LayoutFunctions.concatThree(x, y, w3),
                (x, y) -> LayoutFunctionsGrad.concatThreeGradients(x, y, w3).a(),
                (x, y) -> LayoutFunctionsGrad.concatThreeGradients(x, y, w3).b(), a, b);
        for (int[] dims : new int[][] {{}, {1}, {5}, {3, 4}}) {
            Tensor p = random(dims);
            Tensor q = random(dims);
            Tensor w1 = weightFor(Tensor.stack(-1, p));
            check(x -> LayoutFunctions.stackOne(x, w1), x -> LayoutFunctionsGrad.stackOneGradients(x, w1).a(), p);
            if (dims.length > 0) {
                Tensor w = weightFor(Tensor.stack(1, p, q));
                checkBoth((x, y) -> LayoutFunctions.stack(x, y, w), (x, y) -> LayoutFunctionsGrad.stackGradients(x, y, w).a(),
                        (x, y) -> LayoutFunctionsGrad.stackGradients(x, y, w).b(), p, q);
            }
        }
    }

    @Test
    void indexingAddsTheAdjointBackWhereElementsCameFrom() {
        for (int[] dims : new int[][] {{4, 7}, {1, 9}, {3, 6, 2}, {5, 3}}) {
            Tensor x = random(dims);
            Tensor w1 = weightFor(x.index(dev.adjoint.core.Slice.all(), dev.adjoint.core.Slice.range(1, 6, 2)));
            check(t -> LayoutFunctions.indexWithSteps(t, w1), t -> LayoutFunctionsGrad.indexWithStepsGradients(t, w1).x(), x);
            Tensor w2 = weightFor(x.index(dev.adjoint.core.Slice.every(-1), dev.adjoint.core.Slice.range(-1, -6, -2)));
            check(t -> LayoutFunctions.indexReversed(t, w2), t -> LayoutFunctionsGrad.indexReversedGradients(t, w2).x(), x);
            Tensor w3 = weightFor(x.index(dev.adjoint.core.Slice.at(-1), dev.adjoint.core.Slice.from(2)));
            check(t -> LayoutFunctions.indexAtAndRange(t, w3),
                    t -> LayoutFunctionsGrad.indexAtAndRangeGradients(t, w3).x(), x);
        }
        for (int[] dims : new int[][] {{2, 3}, {3, 4, 5}}) {
            Tensor x = random(dims);
            Tensor w = weightFor(x.get(1, -2));
            check(t -> LayoutFunctions.getTwo(t, w), t -> LayoutFunctionsGrad.getTwoGradients(t, w).x(), x);
        }
        // Every axis indexed: a 0-d pick, whose adjoint is a single element.
        Tensor x = random(2, 3, 2);
        double[] expected = new double[12];
        expected[(0 * 3 + 2) * 2 + 1] = 1.5;
        assertArrayEquals(expected, LayoutFunctionsGrad.getAllGradients(x, Tensor.of(1.5)).x().toDoubleArray());
    }

    @Test
    void gatherScatterAddsAndRepeatedIndicesAccumulate() {
        Tensor x = random(3, 5, 2);
        for (long[] picks : new long[][] {{0, 4, 4, -1, 2}, {1}, {}, {3, 3, 3}}) {
            Tensor indices = Tensor.of(picks, Shape.of(picks.length));
            Tensor w = weightFor(x.gather(indices, 1));
            check(t -> LayoutFunctions.gather(t, indices, w), t -> LayoutFunctionsGrad.gatherGradients(t, indices, w).x(), x);
        }
        Tensor matrixIndices = Tensor.of(new long[] {0, 1, 1, 0, 4, 0}, Shape.of(2, 3));
        Tensor w = weightFor(x.gather(matrixIndices, 1));
        check(t -> LayoutFunctions.gather(t, matrixIndices, w),
                t -> LayoutFunctionsGrad.gatherGradients(t, matrixIndices, w).x(), x);
    }

    @Test
    void batchedAndVectorMatmulUnbroadcastTheBatch() {
        int[][][] shapes = {{{3, 4}, {4, 5}}, {{2, 3, 4}, {4, 5}}, {{4}, {2, 4, 5}}, {{2, 1, 3, 4}, {3, 4, 2}},
                {{3, 4}, {4}}, {{4}, {4}}, {{1, 3, 4}, {2, 4, 1}}, {{2, 3, 4}, {4}}};
        for (int[][] pair : shapes) {
            Tensor a = random(pair[0]);
            Tensor b = random(pair[1]);
            Tensor w = weightFor(a.matmul(b));
            checkBoth((x, y) -> LayoutFunctions.matmul(x, y, w), (x, y) -> LayoutFunctionsGrad.matmulGradients(x, y, w).a(),
                    (x, y) -> LayoutFunctionsGrad.matmulGradients(x, y, w).b(), a, b);
        }
    }

    @Test
    void indexAddIsNumpysAddAtOnACopy() {
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, Shape.of(2, 3));
        Tensor indices = Tensor.of(new long[] {2, -1, 0}, Shape.of(3));
        Tensor updates = Tensor.of(new double[] {10, 20, 30, 40, 50, 60}, Shape.of(2, 3));
        // np.add.at(out, (slice(None), [2, -1, 0]), updates): columns 2 and -1 are the same one.
        assertArrayEquals(new double[] {31, 2, 33, 64, 5, 96}, x.indexAdd(indices, updates, 1).toDoubleArray());
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, x.toDoubleArray());
        TensorException outOfRange = assertThrows(TensorException.class,
                () -> x.indexAdd(Tensor.of(new long[] {3}, Shape.of(1)), Tensor.zeros(2, 1), 1));
        assertTrue(outOfRange.getMessage().contains("out of bounds"), outOfRange.getMessage());
        TensorException badShape = assertThrows(TensorException.class, () -> x.indexAdd(indices, Tensor.zeros(3, 3), 1));
        assertTrue(badShape.getMessage().contains("(2, 3)"), badShape.getMessage());
        assertThrows(TensorException.class, () -> x.indexAdd(Tensor.of(new double[] {0}, Shape.of(1)), Tensor.zeros(2, 1), 1));
    }
}
