package dev.adjoint.cpu;

import static dev.adjoint.cpu.MatmulTestSupport.VECTOR;
import static dev.adjoint.cpu.MatmulTestSupport.assertClose;
import static dev.adjoint.cpu.MatmulTestSupport.randomValues;
import static dev.adjoint.cpu.MatmulTestSupport.storage;
import static dev.adjoint.cpu.MatmulTestSupport.values;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.op.Conv2dSpec;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The packed-panel cache for repeated GEMM operands ({@link PackedOperands}): results with cached
 * panels match a float64 reference, the cache really serves them, and an announced in-place write is
 * seen by the next product.
 */
class PackedOperandsTest {
    private static final double TOLERANCE = 1e-5;

    /** {@code x (m x k) @ w (k x n)} in float64, and sum |terms| per element for the tolerance. */
    private static double[][] matmul(double[] x, float[] w, int m, int k, int n) {
        double[] out = new double[m * n], scale = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0, abs = 0;
                for (int p = 0; p < k; p++) {
                    double term = x[i * k + p] * w[p * n + j];
                    sum += term;
                    abs += Math.abs(term);
                }
                out[i * n + j] = sum;
                scale[i * n + j] = abs;
            }
        }
        return new double[][] {out, scale};
    }

    private static double[] product(CpuStorage x, int m, int k, CpuStorage w, int n) {
        return values((CpuStorage) BackendCalls.matmul(VECTOR, x, Shape.of(m, k), false, w, Shape.of(k, n), false,
                Shape.of(m, n)));
    }

    @Test
    void aWeightReadAgainIsPackedOnceAndThenReused() {
        SplittableRandom random = new SplittableRandom(31);
        int m = 8, k = 300, n = 203;
        double[] xv = randomValues(random, DType.FLOAT32, m * k);
        CpuStorage x = storage(VECTOR, DType.FLOAT32, xv);
        CpuStorage w = storage(VECTOR, DType.FLOAT32, randomValues(random, DType.FLOAT32, k * n));
        double[][] expected = matmul(xv, w.floats(), m, k, n);
        assertClose("first product (noted)", expected[0], expected[1], product(x, m, k, w, n), TOLERANCE);
        assertClose("second product (packs into the cache)", expected[0], expected[1], product(x, m, k, w, n),
                TOLERANCE);
        long held = PackedOperands.bytesHeld(w);
        assertTrue(held >= 4L * k * n, "the weight's panels are cached: " + held + " bytes");
        assertClose("third product (cached panels)", expected[0], expected[1], product(x, m, k, w, n), TOLERANCE);
        // x is an operand too, but as A of 8 rows it was also seen three times: nothing stale either way.
        PackedOperands.written(w);
        PackedOperands.written(x);
    }

    @Test
    void anAnnouncedInPlaceWriteIsSeenByTheNextProduct() {
        SplittableRandom random = new SplittableRandom(32);
        int m = 33, k = 270, n = 65;
        double[] xv = randomValues(random, DType.FLOAT32, m * k);
        CpuStorage x = storage(VECTOR, DType.FLOAT32, xv);
        CpuStorage w = storage(VECTOR, DType.FLOAT32, randomValues(random, DType.FLOAT32, k * n));
        double[][] original = matmul(xv, w.floats(), m, k, n);
        product(x, m, k, w, n);
        product(x, m, k, w, n);

        // An optimizer step in place: w -= 0.5 * w, announced as the contract asks.
        float[] array = w.floats();
        PackedOperands.written(w);
        for (int i = 0; i < array.length; i++) {
            array[i] -= 0.5f * array[i];
        }
        double[][] updated = matmul(xv, array, m, k, n);
        assertClose("after the announced write", updated[0], updated[1], product(x, m, k, w, n), TOLERANCE);
        assertClose("and again, packed anew", updated[0], updated[1], product(x, m, k, w, n), TOLERANCE);
        assertClose("and from the new panels", updated[0], updated[1], product(x, m, k, w, n), TOLERANCE);

        // The control that shows the panels really are reused: a write that is not announced is not
        // seen (this is why every in-place writer must call written()).
        for (int i = 0; i < array.length; i++) {
            array[i] = 0f;
        }
        double[] stale = product(x, m, k, w, n);
        assertClose("unannounced write: the cached panels of the last announced values", updated[0], updated[1], stale,
                TOLERANCE);
        PackedOperands.written(w);
        double[] zero = product(x, m, k, w, n);
        for (double v : zero) {
            assertTrue(v == 0, "announced: the zeroed weight gives zeros");
        }
    }

    @Test
    void batchedOperandsAreNeverCached() {
        SplittableRandom random = new SplittableRandom(33);
        int batch = 3, m = 20, k = 40, n = 30;
        CpuStorage a = storage(VECTOR, DType.FLOAT32, randomValues(random, DType.FLOAT32, batch * m * k));
        CpuStorage b = storage(VECTOR, DType.FLOAT32, randomValues(random, DType.FLOAT32, batch * k * n));
        for (int t = 0; t < 3; t++) {
            BackendCalls.matmul(VECTOR, a, Shape.of(batch, m, k), false, b, Shape.of(batch, k, n), false,
                    Shape.of(batch, m, n));
        }
        assertFalse(PackedOperands.bytesHeld(a) + PackedOperands.bytesHeld(b) > 0,
                "a (3, m, k) operand has three matrices: not cached");
    }

    @Test
    void convolutionFiltersAreCachedAndRefreshedAfterAWrite() {
        SplittableRandom random = new SplittableRandom(34);
        // Filters of 36 KiB: over PackedOperands.MIN_BYTES, so they are cached.
        int[] xd = {1, 16, 13, 13}, wd = {64, 16, 3, 3};
        Conv2dSpec spec = Conv2dSpec.of(1, 1);
        double[] xv = randomValues(random, DType.FLOAT32, 16 * 13 * 13);
        CpuStorage x = storage(VECTOR, DType.FLOAT32, xv);
        CpuStorage w = storage(VECTOR, DType.FLOAT32, randomValues(random, DType.FLOAT32, 64 * 16 * 9));
        CpuStorage scalarX = storage(MatmulTestSupport.SCALAR, DType.FLOAT32, xv);
        Shape out = Shape.of(1, 64, 13, 13);
        for (int round = 0; round < 2; round++) {
            // The scalar backend's im2col loop is the reference here (ConvolutionTest checks it against float64).
            double[] wv = new double[w.floats().length];
            for (int i = 0; i < wv.length; i++) {
                wv[i] = w.floats()[i];
            }
            CpuStorage scalarW = storage(MatmulTestSupport.SCALAR, DType.FLOAT32, wv);
            double[] expected = values((CpuStorage) BackendCalls.conv2d(MatmulTestSupport.SCALAR, scalarX, Shape.of(xd),
                    scalarW, Shape.of(wd), spec, out));
            double[] scale = new double[expected.length];
            java.util.Arrays.fill(scale, 16 * 9 * 9);
            for (int call = 0; call < 3; call++) {
                double[] actual = values((CpuStorage) BackendCalls.conv2d(VECTOR, x, Shape.of(xd), w, Shape.of(wd), spec,
                        out));
                assertClose("round " + round + ", call " + call, expected, scale, actual, 1e-6);
            }
            PackedOperands.written(w);
            float[] array = w.floats();
            for (int i = 0; i < array.length; i++) {
                array[i] = 0.25f * array[i] + 0.125f;
            }
        }
    }

    @Test
    void matrixVectorProductsReadTheMatrixStraight() {
        SplittableRandom random = new SplittableRandom(35);
        int m = 1, k = 333, n = 250;
        double[] xv = randomValues(random, DType.FLOAT32, m * k);
        CpuStorage x = storage(VECTOR, DType.FLOAT32, xv);
        CpuStorage w = storage(VECTOR, DType.FLOAT32, randomValues(random, DType.FLOAT32, k * n));
        double[][] expected = matmul(xv, w.floats(), m, k, n);
        for (int call = 0; call < 3; call++) {
            assertClose("row vector times a weight, call " + call, expected[0], expected[1], product(x, m, k, w, n),
                    TOLERANCE);
        }
        assertFalse(PackedOperands.bytesHeld(x) + PackedOperands.bytesHeld(w) > 0,
                "a matrix-vector product packs nothing");
    }
}
