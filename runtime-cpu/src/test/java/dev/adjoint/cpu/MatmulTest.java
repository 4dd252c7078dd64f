package dev.adjoint.cpu;

import static dev.adjoint.cpu.MatmulTestSupport.SCALAR;
import static dev.adjoint.cpu.MatmulTestSupport.VECTOR;
import static dev.adjoint.cpu.MatmulTestSupport.assertClose;
import static dev.adjoint.cpu.MatmulTestSupport.randomValues;
import static dev.adjoint.cpu.MatmulTestSupport.storage;
import static dev.adjoint.cpu.MatmulTestSupport.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MatmulTest {
    private static final int[] EDGE_SIZES = {0, 1, 2, 3, 7, 15, 16, 17, 31, 33, 64, 100, 129};

    /** Expected values and, per element, the sum of |a*b| terms that bounds its rounding error. */
    private record Reference(double[] values, double[] scale) {
    }

    /**
     * Plain float64 reference: right-aligns batch dims, repeats size-1 ones, reads transposed
     * operands with swapped indices, and sums in the obvious order.
     */
    private static Reference reference(double[] a, int[] aDims, boolean ta, double[] b, int[] bDims, boolean tb,
            int[] outDims) {
        int rank = outDims.length;
        int m = outDims[rank - 2], n = outDims[rank - 1];
        int k = ta ? aDims[aDims.length - 2] : aDims[aDims.length - 1];
        int batch = 1;
        for (int d = 0; d < rank - 2; d++) {
            batch *= outDims[d];
        }
        double[] out = new double[batch * m * n];
        double[] scale = new double[out.length];
        int[] index = new int[rank - 2];
        for (int t = 0; t < batch; t++) {
            int rest = t;
            for (int d = rank - 3; d >= 0; d--) {
                index[d] = rest % outDims[d];
                rest /= outDims[d];
            }
            int aBase = matrixOffset(index, aDims), bBase = matrixOffset(index, bDims);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0, abs = 0;
                    for (int p = 0; p < k; p++) {
                        double x = a[aBase + (ta ? p * m + i : i * k + p)];
                        double y = b[bBase + (tb ? j * k + p : p * n + j)];
                        sum += x * y;
                        abs += Math.abs(x * y);
                    }
                    out[(t * m + i) * n + j] = sum;
                    scale[(t * m + i) * n + j] = abs;
                }
            }
        }
        return new Reference(out, scale);
    }

    /** Offset of the matrix at output batch index {@code index} within an operand of {@code dims}. */
    private static int matrixOffset(int[] index, int[] dims) {
        int opBatch = dims.length - 2;
        int offset = 0;
        for (int d = 0; d < opBatch; d++) {
            int outD = index.length - opBatch + d;
            int i = dims[d] == 1 ? 0 : index[outD];
            offset = offset * dims[d] + i;
        }
        return offset * dims[opBatch] * dims[opBatch + 1];
    }

    private static double tolerance(DType dtype, int k) {
        return switch (dtype) {
            case FLOAT32 -> (k + 2) * 1.2e-7;
            case FLOAT64 -> (k + 2) * 2.3e-16;
            default -> 0;
        };
    }

    /** Runs one product on both kernel flavours and checks each against the reference. */
    private static void check(SplittableRandom random, DType dtype, int[] aBatch, int[] bBatch, int m, int n, int k,
            boolean ta, boolean tb) {
        int[] aDims = concat(aBatch, ta ? new int[] {k, m} : new int[] {m, k});
        int[] bDims = concat(bBatch, tb ? new int[] {n, k} : new int[] {k, n});
        int[] outBatch = broadcast(aBatch, bBatch);
        int[] outDims = concat(outBatch, new int[] {m, n});
        double[] a = randomValues(random, dtype, (int) Shape.of(aDims).size());
        double[] b = randomValues(random, dtype, (int) Shape.of(bDims).size());
        Reference expected = reference(a, aDims, ta, b, bDims, tb, outDims);
        String what = dtype + " " + Arrays.toString(aDims) + (ta ? "^T" : "") + " @ " + Arrays.toString(bDims)
                + (tb ? "^T" : "");
        for (CpuBackend backend : new CpuBackend[] {SCALAR, VECTOR}) {
            CpuStorage out = (CpuStorage) BackendCalls.matmul(backend, storage(backend, dtype, a), Shape.of(aDims), ta,
                    storage(backend, dtype, b), Shape.of(bDims), tb, Shape.of(outDims));
            assertEquals(dtype, out.dtype(), what);
            assertClose(what + " on " + backend.name(), expected.values(), expected.scale(), values(out),
                    tolerance(dtype, k));
        }
    }

    private static int[] concat(int[] x, int[] y) {
        int[] out = Arrays.copyOf(x, x.length + y.length);
        System.arraycopy(y, 0, out, x.length, y.length);
        return out;
    }

    private static int[] broadcast(int[] x, int[] y) {
        int rank = Math.max(x.length, y.length);
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int dx = i < rank - x.length ? 1 : x[i - (rank - x.length)];
            int dy = i < rank - y.length ? 1 : y[i - (rank - y.length)];
            out[i] = dx == 1 ? dy : dx;
        }
        return out;
    }

    @Test
    void vectorBackendIsActiveInTests() {
        assertTrue(VECTOR.usesVectorKernels(), "surefire must pass --add-modules=jdk.incubator.vector");
    }

    @Test
    void everyTransposeComboOnEdgeSizes() {
        SplittableRandom random = new SplittableRandom(11);
        int[] small = {0, 1, 2, 3, 7, 17};
        for (int m : small) {
            for (int n : small) {
                for (int k : small) {
                    for (int flags = 0; flags < 4; flags++) {
                        check(random, DType.FLOAT32, new int[0], new int[0], m, n, k, (flags & 1) != 0, (flags & 2) != 0);
                    }
                }
            }
        }
    }

    @Test
    void randomShapesFromTheEdgeSizes() {
        SplittableRandom random = new SplittableRandom(12);
        for (int trial = 0; trial < 250; trial++) {
            int m = EDGE_SIZES[random.nextInt(EDGE_SIZES.length)];
            int n = EDGE_SIZES[random.nextInt(EDGE_SIZES.length)];
            int k = EDGE_SIZES[random.nextInt(EDGE_SIZES.length)];
            DType dtype = trial % 5 == 0 ? DType.FLOAT64 : DType.FLOAT32;
            check(random, dtype, new int[0], new int[0], m, n, k, random.nextBoolean(), random.nextBoolean());
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64", "INT32", "INT64"})
    void everyDtypeWithBroadcastBatches(DType dtype) {
        SplittableRandom random = new SplittableRandom(13);
        check(random, dtype, new int[] {2, 1, 3}, new int[] {4, 1}, 5, 7, 6, false, false);
        check(random, dtype, new int[] {3}, new int[0], 17, 33, 9, true, false);
        check(random, dtype, new int[0], new int[] {2, 2}, 16, 15, 31, false, true);
        check(random, dtype, new int[] {1, 4}, new int[] {3, 1}, 33, 17, 40, true, true);
        check(random, dtype, new int[] {0, 2}, new int[] {2}, 3, 3, 3, false, false);
        check(random, dtype, new int[] {64}, new int[] {64}, 9, 12, 20, false, false);
    }

    @Test
    void integerProductsWrapLikeJava() {
        int big = 1 << 20;
        CpuStorage a = storage(SCALAR, DType.INT32, new double[] {big, big});
        CpuStorage b = storage(SCALAR, DType.INT32, new double[] {big, 3});
        CpuStorage out = (CpuStorage) BackendCalls.matmul(SCALAR, a, Shape.of(1, 2), false, b, Shape.of(2, 1), false, Shape.of(1, 1));
        assertEquals(big * big + big * 3, out.ints()[0]);
    }

    @Test
    void largeProductsThatSplitOverCoresAndCrossEveryBlock() {
        SplittableRandom random = new SplittableRandom(14);
        // Deeper than one K block, taller than one M block, with ragged edges.
        check(random, DType.FLOAT32, new int[0], new int[0], 301, 203, 517, false, false);
        check(random, DType.FLOAT32, new int[0], new int[0], 203, 301, 517, true, true);
        check(random, DType.FLOAT64, new int[0], new int[0], 150, 250, 300, true, false);
        // Wider than one N block, and a short wide product that splits its columns.
        check(random, DType.FLOAT32, new int[0], new int[0], 5, 3100, 260, false, true);
        // Many small matrices: the batch itself is split over cores.
        check(random, DType.FLOAT32, new int[] {200}, new int[] {200}, 20, 24, 28, false, false);
        check(random, DType.INT64, new int[0], new int[0], 120, 90, 130, false, false);
    }

    @Test
    void matrixVectorProductsInEveryLayout() {
        SplittableRandom random = new SplittableRandom(16);
        // One row or one column of C skips packing; odd lengths hit the vector tails of dot and axpy.
        int[][] shapes = {{1, 1023, 33}, {1, 33, 1023}, {1023, 1, 33}, {33, 1, 1023}, {1, 7, 700}, {700, 1, 7},
            {1, 17, 257}, {257, 1, 15}};
        for (int[] s : shapes) {
            for (int flags = 0; flags < 4; flags++) {
                check(random, DType.FLOAT32, new int[0], new int[0], s[0], s[1], s[2], (flags & 1) != 0,
                        (flags & 2) != 0);
            }
        }
        // Big enough to split over cores, and batched with a broadcast vector.
        check(random, DType.FLOAT32, new int[0], new int[0], 1, 1500, 800, false, false);
        check(random, DType.FLOAT32, new int[0], new int[0], 1500, 1, 800, true, false);
        check(random, DType.FLOAT32, new int[0], new int[0], 1500, 1, 800, false, true);
        check(random, DType.FLOAT32, new int[] {3}, new int[0], 1, 300, 200, false, true);
        for (int flags = 0; flags < 4; flags++) {
            check(random, DType.FLOAT64, new int[0], new int[0], 1, 301, 77, (flags & 1) != 0, (flags & 2) != 0);
            check(random, DType.FLOAT64, new int[0], new int[0], 301, 1, 77, (flags & 1) != 0, (flags & 2) != 0);
        }
    }

    /**
     * A row times a row-major matrix keeps the columns of y in vectors over all of the depth; the columns past the last
     * whole vector (a 10-class classifier's 10) must sum with the same fused multiply-adds in the same order, so each
     * column's bits do not depend on how many columns share the product, nor on the last rows of the matrix, which
     * are added in scalar code where a masked vector would reach past the array.
     */
    @Test
    void matrixVectorColumnsHaveTheSameBitsWhereverTheyFall() {
        SplittableRandom random = new SplittableRandom(17);
        for (int[] kn : new int[][] {{512, 10}, {7, 1}, {300, 17}, {33, 150}, {1, 5}}) {
            int k = kn[0], narrow = kn[1], wide = narrow + 8 * 16 + 16;
            double[] x = randomValues(random, DType.FLOAT32, k);
            double[] w = randomValues(random, DType.FLOAT32, k * wide);
            // The narrow matrix is the wide one's first columns, and the last of its own storage.
            double[] firstColumns = new double[k * narrow];
            for (int p = 0; p < k; p++) {
                System.arraycopy(w, p * wide, firstColumns, p * narrow, narrow);
            }
            double[] inWide = values((CpuStorage) BackendCalls.matmul(VECTOR, storage(VECTOR, DType.FLOAT32, x),
                    Shape.of(1, k), false, storage(VECTOR, DType.FLOAT32, w), Shape.of(k, wide), false,
                    Shape.of(1, wide)));
            double[] alone = values((CpuStorage) BackendCalls.matmul(VECTOR, storage(VECTOR, DType.FLOAT32, x),
                    Shape.of(1, k), false, storage(VECTOR, DType.FLOAT32, firstColumns), Shape.of(k, narrow), false,
                    Shape.of(1, narrow)));
            for (int j = 0; j < narrow; j++) {
                float fused = 0f;
                for (int p = 0; p < k; p++) {
                    fused = Math.fma((float) x[p], (float) w[p * wide + j], fused);
                }
                String what = "column " + j + " of a 1 x " + k + " row times " + k + " x " + narrow;
                assertEquals(fused, (float) alone[j], 0f, what + ": fused multiply-adds in depth order");
                assertEquals(Float.floatToRawIntBits((float) inWide[j]), Float.floatToRawIntBits((float) alone[j]),
                        what + ": the same bits as in a product of " + wide + " columns");
            }
        }
    }

    @Test
    void vectorAndScalarFlavoursAgree() {
        SplittableRandom random = new SplittableRandom(15);
        int m = 97, n = 131, k = 300;
        double[] a = randomValues(random, DType.FLOAT32, m * k);
        double[] b = randomValues(random, DType.FLOAT32, k * n);
        double[] fromScalar = values((CpuStorage) BackendCalls.matmul(SCALAR, storage(SCALAR, DType.FLOAT32, a), Shape.of(m, k),
                false, storage(SCALAR, DType.FLOAT32, b), Shape.of(k, n), false, Shape.of(m, n)));
        double[] fromVector = values((CpuStorage) BackendCalls.matmul(VECTOR, storage(VECTOR, DType.FLOAT32, a), Shape.of(m, k),
                false, storage(VECTOR, DType.FLOAT32, b), Shape.of(k, n), false, Shape.of(m, n)));
        double[] scale = new double[fromScalar.length];
        Arrays.fill(scale, k);
        assertClose("vector vs scalar", fromScalar, scale, fromVector, 2 * 1.2e-7 * (k + 2));
    }
}
