package dev.adjoint.cpu;

import static dev.adjoint.cpu.MatmulTestSupport.SCALAR;
import static dev.adjoint.cpu.MatmulTestSupport.VECTOR;
import static dev.adjoint.cpu.MatmulTestSupport.randomValues;
import static dev.adjoint.cpu.MatmulTestSupport.storage;
import static dev.adjoint.cpu.MatmulTestSupport.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.Tensor;
import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.core.TensorException;
import dev.adjoint.op.Op;
import dev.adjoint.op.TensorType;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code matmulBias}: a product with its per-column bias and clamp applied in place. The reference is the same
 * backend's plain {@code matmul} followed by a scalar loop that adds the bias and clamps in the output's type, so
 * every element must be bit for bit the same (NaN where the reference has NaN), on both backends, for row-vector,
 * batched and transposed operands, column counts with and without a vector tail, and bounds the vector clamp takes
 * and one it leaves to the scalar loop (a low bound of -0.0).
 */
class MatmulBiasTest {
    private static final double INF = Double.POSITIVE_INFINITY;
    private static final double[][] BOUNDS = {{-INF, INF}, {0, INF}, {0, 6}, {-0.25, 0.5}, {-0.0, INF}};

    /** a, b (as stored), whether each is transposed. */
    private record Case(int[] a, boolean transposeA, int[] b, boolean transposeB) {
    }

    private static final List<Case> CASES = List.of(
            new Case(new int[] {5, 7}, false, new int[] {7, 9}, false),
            new Case(new int[] {8, 256}, false, new int[] {256, 33}, false),
            new Case(new int[] {3, 40, 33}, false, new int[] {33, 50}, false),
            new Case(new int[] {1, 320}, false, new int[] {1000, 320}, true),
            new Case(new int[] {7}, false, new int[] {7, 20}, false),
            new Case(new int[] {33, 4}, true, new int[] {33, 17}, false),
            new Case(new int[] {2, 6}, false, new int[] {6, 1}, false));

    @Test
    void equalsTheProductThenBiasThenClampBitForBit() {
        SplittableRandom random = new SplittableRandom(30);
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (Case c : CASES) {
                Shape aShape = Shape.of(c.a()), bShape = Shape.of(c.b());
                Shape out = new Op.MatMul(c.transposeA(), c.transposeB())
                        .infer(List.of(new TensorType(dtype, aShape), new TensorType(dtype, bShape))).shape();
                int n = out.dim(-1);
                double[] a = randomValues(random, dtype, (int) aShape.size());
                double[] b = randomValues(random, dtype, (int) bShape.size());
                double[] bias = randomValues(random, dtype, n);
                a[random.nextInt(a.length)] = Double.NaN;
                a[random.nextInt(a.length)] = INF;
                bias[random.nextInt(n)] = Double.NEGATIVE_INFINITY;
                for (CpuBackend backend : new CpuBackend[] {SCALAR, VECTOR}) {
                    double[] product = values((CpuStorage) BackendCalls.matmul(backend, storage(backend, dtype, a),
                            aShape, c.transposeA(), storage(backend, dtype, b), bShape, c.transposeB(), out));
                    for (double[] bound : BOUNDS) {
                        double[] got = values((CpuStorage) BackendCalls.matmulBias(backend, storage(backend, dtype, a),
                                aShape, c.transposeA(), storage(backend, dtype, b), bShape, c.transposeB(),
                                storage(backend, dtype, bias), bound[0], bound[1], out));
                        double[] want = new double[product.length];
                        for (int i = 0; i < want.length; i++) {
                            want[i] = dtype == DType.FLOAT32
                                    ? Math.min(Math.max((float) product[i] + (float) bias[i % n], (float) bound[0]),
                                            (float) bound[1])
                                    : Math.min(Math.max(product[i] + bias[i % n], bound[0]), bound[1]);
                        }
                        assertArrayEquals(want, got, dtype + " " + aShape + (c.transposeA() ? "^T" : "") + " x "
                                + bShape + (c.transposeB() ? "^T" : "") + " [" + bound[0] + ", " + bound[1] + "] on "
                                + backend.name());
                    }
                }
            }
        }
    }

    @Test
    void tensorApiMatchesTheLayersItReplaces() {
        SplittableRandom random = new SplittableRandom(31);
        Tensor x = Tensor.randomUniform(random, -1, 1, 4, 24);
        Tensor w = Tensor.randomUniform(random, -1, 1, 40, 24);
        Tensor bias = Tensor.randomUniform(random, -1, 1, 40);
        Tensor fused = Tensor.matmulBias(x, false, w, true, bias, 0, INF);
        Tensor layers = Tensor.matmul(x, false, w, true).add(bias).relu();
        assertEquals(Shape.of(4, 40), fused.shape());
        assertArrayEquals(layers.toFloatArray(), fused.toFloatArray());
        // A clamp whose bounds are not floats: both round them to the tensor's dtype.
        assertArrayEquals(Tensor.matmul(x, false, w, true).add(bias).clip(-0.3, 0.7).toFloatArray(),
                Tensor.matmulBias(x, false, w, true, bias, -0.3, 0.7).toFloatArray());
        Tensor x64 = x.cast(DType.FLOAT64), w64 = w.cast(DType.FLOAT64);
        Tensor bias64 = bias.cast(DType.FLOAT64);
        assertArrayEquals(Tensor.matmul(x64, false, w64, true).add(bias64).clip(-0.3, 0.7).toDoubleArray(),
                Tensor.matmulBias(x64, false, w64, true, bias64, -0.3, 0.7).toDoubleArray());
    }

    @Test
    void badOperandsAreNamedErrors() {
        Tensor x = Tensor.zeros(4, 24), w = Tensor.zeros(24, 40);
        TensorException e = assertThrows(TensorException.class,
                () -> Tensor.matmulBias(x, false, w, false, Tensor.zeros(39), -INF, INF));
        assertEquals("matmulBias: needs a 1-d bias of one value per column of the product (40), got shape (39,)",
                e.getMessage());
        e = assertThrows(TensorException.class,
                () -> Tensor.matmulBias(x, false, Tensor.zeros(24), false, Tensor.zeros(1), -INF, INF));
        assertEquals("matmulBias: needs a matrix (or a stack of them) as its second operand, got shape (24,)",
                e.getMessage());
        e = assertThrows(TensorException.class,
                () -> Tensor.matmulBias(x, false, Tensor.zeros(23, 40), false, Tensor.zeros(40), -INF, INF));
        assertEquals("matmul: shapes (4, 24) and (23, 40) not aligned: 24 (dim 1) != 23 (dim 0)", e.getMessage());
        e = assertThrows(TensorException.class, () -> Tensor.matmulBias(x, false, w, false, Tensor.zeros(40), 1, 0));
        assertEquals("matmulBias: low 1.0 is greater than high 0.0 (or one is NaN)", e.getMessage());
    }
}
