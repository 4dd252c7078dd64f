package dev.adjoint.cpu;

import static dev.adjoint.cpu.MatmulTestSupport.SCALAR;
import static dev.adjoint.cpu.MatmulTestSupport.VECTOR;
import static dev.adjoint.cpu.MatmulTestSupport.randomValues;
import static dev.adjoint.cpu.MatmulTestSupport.storage;
import static dev.adjoint.cpu.MatmulTestSupport.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Tensor;
import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.core.TensorException;
import dev.adjoint.op.BinaryOp;
import dev.adjoint.op.ReduceOp;
import dev.adjoint.op.UnaryOp;
import dev.adjoint.spi.Storage;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code layerNorm}: one op for the seven of a layer normalization (and the two of its scale and shift). Its promise
 * is the composition's bits, so the reference is the composition run op by op on the same backend (both backends,
 * float32 and float64); a float64 loop checks both against the definition. Shapes cover one and several trailing
 * axes, rows of 1, of short vector tails and of the short-row sums, a row long enough for the parallel sum of one
 * row, and size-0 axes; values include NaN and infinities, and rows with no spread (variance 0).
 */
class LayerNormTest {
    private record Case(int[] shape, int axes) {
    }

    private static final Case[] CASES = {
            new Case(new int[] {1, 512}, 1), new Case(new int[] {8, 512}, 1), new Case(new int[] {3, 4, 5}, 2),
            new Case(new int[] {3, 4, 5}, 1), new Case(new int[] {2, 3}, 2), new Case(new int[] {6, 1}, 1),
            new Case(new int[] {5, 17}, 1), new Case(new int[] {4, 33}, 1), new Case(new int[] {2, 1, 70}, 1),
            new Case(new int[] {1, 70_001}, 1), new Case(new int[] {0, 8}, 1), new Case(new int[] {3, 0}, 1),
            new Case(new int[] {7}, 1)};

    @Test
    void equalsTheCompositionBitForBit() {
        SplittableRandom random = new SplittableRandom(31);
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (Case c : CASES) {
                Shape shape = Shape.of(c.shape());
                int n = (int) shape.size();
                int len = normalizedLength(c);
                double[] x = randomValues(random, dtype, n);
                if (n > 40) {
                    x[random.nextInt(n)] = Double.NaN;
                    x[random.nextInt(n)] = Double.POSITIVE_INFINITY;
                }
                if (n >= 2 * len && len > 0) {
                    Arrays.fill(x, len, 2 * len, 0.75);  // a row with no spread: 0 / sqrt(eps)
                }
                double[] scale = randomValues(random, dtype, len), bias = randomValues(random, dtype, len);
                for (double eps : new double[] {1e-5, 0}) {
                    for (CpuBackend backend : new CpuBackend[] {SCALAR, VECTOR}) {
                        String what = dtype + " " + shape + " over " + c.axes() + " eps " + eps + " on "
                                + backend.name();
                        double[] plain = values((CpuStorage) BackendCalls.layerNorm(backend, storage(backend, dtype, x),
                                shape, c.axes(), eps, null, null));
                        double[] want = composition(backend, dtype, x, shape, c.axes(), eps);
                        assertArrayEquals(want, plain, what);
                        double[] scaled = values((CpuStorage) BackendCalls.layerNorm(backend,
                                storage(backend, dtype, x), shape, c.axes(), eps, storage(backend, dtype, scale),
                                storage(backend, dtype, bias)));
                        assertArrayEquals(scaleShift(backend, dtype, want, shape, scale, bias, c.axes()), scaled,
                                what + " scaled");
                        if (eps > 0) {
                            assertCloseToDefinition(x, len, eps, plain, dtype, what);
                        }
                    }
                }
            }
        }
    }

    /** The composition, op by op: mean, subtract, square, mean, add eps, square root, divide. */
    private static double[] composition(CpuBackend backend, DType dtype, double[] x, Shape shape, int axes,
            double eps) {
        int[] trailing = new int[axes];
        int[] keptDims = shape.dims().clone();
        for (int i = 0; i < axes; i++) {
            trailing[i] = shape.rank() - axes + i;
            keptDims[trailing[i]] = 1;
        }
        Shape kept = Shape.of(keptDims);
        Storage xs = storage(backend, dtype, x);
        Storage mean = BackendCalls.reduce(backend, ReduceOp.MEAN, xs, shape, trailing);
        Storage centered = BackendCalls.binary(backend, BinaryOp.SUB, xs, shape, mean, kept, shape);
        Storage squares = BackendCalls.unary(backend, UnaryOp.SQUARE, centered);
        Storage variance = BackendCalls.reduce(backend, ReduceOp.MEAN, squares, shape, trailing);
        Storage shifted = BackendCalls.binary(backend, BinaryOp.ADD, variance, kept,
                storage(backend, dtype, new double[] {eps}), Shape.SCALAR, kept);
        Storage root = BackendCalls.unary(backend, UnaryOp.SQRT, shifted);
        return values((CpuStorage) BackendCalls.binary(backend, BinaryOp.DIV, centered, shape, root, kept, shape));
    }

    /** {@code normalized * scale + bias}, as the two ops of the backend compute them. */
    private static double[] scaleShift(CpuBackend backend, DType dtype, double[] normalized, Shape shape,
            double[] scale, double[] bias, int axes) {
        Shape row = Shape.of(Arrays.copyOfRange(shape.dims(), shape.rank() - axes, shape.rank()));
        Storage product = BackendCalls.binary(backend, BinaryOp.MUL, storage(backend, dtype, normalized), shape,
                storage(backend, dtype, scale), row, shape);
        return values((CpuStorage) BackendCalls.binary(backend, BinaryOp.ADD, product, shape,
                storage(backend, dtype, bias), row, shape));
    }

    /** The definition in float64 from the rounded inputs: within float32's rounding of the ops, NaN where NaN. */
    private static void assertCloseToDefinition(double[] x, int len, double eps, double[] got, DType dtype,
            String what) {
        double tolerance = dtype == DType.FLOAT32 ? 1e-4 : 1e-12;
        for (int row = 0; len > 0 && row < x.length / len; row++) {
            double sum = 0;
            for (int j = 0; j < len; j++) {
                sum += dtype == DType.FLOAT32 ? (float) x[row * len + j] : x[row * len + j];
            }
            double mean = sum / len, squares = 0;
            for (int j = 0; j < len; j++) {
                double c = (dtype == DType.FLOAT32 ? (float) x[row * len + j] : x[row * len + j]) - mean;
                squares += c * c;
            }
            double sd = Math.sqrt(squares / len + eps);
            for (int j = 0; j < len; j++) {
                int i = row * len + j;
                double want = ((dtype == DType.FLOAT32 ? (float) x[i] : x[i]) - mean) / sd;
                if (Double.isNaN(want)) {
                    assertTrue(Double.isNaN(got[i]), what + " element " + i + ": " + got[i] + ", want NaN");
                } else {
                    assertEquals(want, got[i], tolerance * Math.max(1, Math.abs(want)), what + " element " + i);
                }
            }
        }
    }

    private static int normalizedLength(Case c) {
        int len = 1;
        for (int d = c.shape().length - c.axes(); d < c.shape().length; d++) {
            len *= c.shape()[d];
        }
        return len;
    }

    @Test
    void tensorApiMatchesTheOpsItReplaces() {
        SplittableRandom random = new SplittableRandom(32);
        Tensor x = Tensor.randomUniform(random, -3, 3, 4, 6, 10);
        Tensor scale = Tensor.randomUniform(random, 0.5, 1.5, 6, 10);
        Tensor bias = Tensor.randomUniform(random, -1, 1, 6, 10);
        Tensor centered = x.sub(x.mean(new int[] {1, 2}, true));
        Tensor composed = centered.div(centered.square().mean(new int[] {1, 2}, true).add(1e-5).sqrt());
        assertEquals(x.shape(), x.layerNorm(2, 1e-5).shape());
        assertArrayEquals(composed.toFloatArray(), x.layerNorm(2, 1e-5).toFloatArray());
        assertArrayEquals(composed.mul(scale).add(bias).toFloatArray(),
                x.layerNorm(2, 1e-5, scale, bias).toFloatArray());
        // Mixed operand types promote together, as the ops they replace would.
        Tensor x64 = x.cast(DType.FLOAT64);
        assertEquals(DType.FLOAT64, x64.layerNorm(2, 1e-5, scale, bias).dtype());
    }

    @Test
    void badOperandsAreNamedErrors() {
        Tensor x = Tensor.zeros(4, 6);
        TensorException e = assertThrows(TensorException.class, () -> x.layerNorm(3, 1e-5));
        assertEquals("layerNorm: normalizes the last 3 axes, but the input has shape (4, 6)", e.getMessage());
        e = assertThrows(TensorException.class, () -> x.layerNorm(0, 1e-5));
        assertEquals("layerNorm: normalizes at least one trailing axis, got 0", e.getMessage());
        e = assertThrows(TensorException.class, () -> x.layerNorm(1, -1e-5));
        assertEquals("layerNorm: needs a finite eps >= 0, got -1.0E-5", e.getMessage());
        e = assertThrows(TensorException.class, () -> x.layerNorm(1, 1e-5, Tensor.zeros(4), Tensor.zeros(6)));
        assertEquals("layerNorm: needs a scale of the normalized axes' shape (6,), got shape (4,)", e.getMessage());
        e = assertThrows(TensorException.class, () -> x.layerNorm(1, 1e-5, Tensor.zeros(6), Tensor.zeros(1, 6)));
        assertEquals("layerNorm: needs a bias of the normalized axes' shape (6,), got shape (1, 6)", e.getMessage());
        e = assertThrows(TensorException.class, () -> Tensor.zeros(DType.INT32, 4, 6).layerNorm(1, 1e-5));
        assertTrue(e.getMessage().startsWith("layerNorm: takes floating tensors, got int32"), e.getMessage());
    }
}
