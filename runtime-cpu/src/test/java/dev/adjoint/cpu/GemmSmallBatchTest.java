package dev.adjoint.cpu;

import static dev.adjoint.cpu.MatmulTestSupport.randomFloats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Products with a pre-packed B (an inference engine's constant weights) and only a row or two of A,
 * which run row by row instead of in a tile padded with zero rows: each row must equal a float64
 * reference, and carry the same bits as the same row computed inside a larger batch. Also a single
 * row times a transposed B.
 */
class GemmSmallBatchTest {
    private static final int[] ROWS = {1, 2, 3, 8, 9, 10, 17};
    private static final int[] COLUMNS = {1, 15, GemmF32Vector.NR, GemmF32Vector.NR + 1, GemmF32Vector.NR * 3 / 2 + 1,
            4 * GemmF32Vector.NR, 4 * GemmF32Vector.NR + 3, 5 * GemmF32Vector.NR, 512 + 7};
    private static final int[] DEPTHS = {1, 7, 300, GemmF32Vector.KC + 5};

    @Test
    void rowsOfASmallBatchEqualAFloat64ReferenceAndTheSameRowsOfALargeBatch() {
        SplittableRandom random = new SplittableRandom(11);
        int maxRows = Arrays.stream(ROWS).max().orElseThrow();
        for (int n : COLUMNS) {
            for (int k : DEPTHS) {
                float[] a = randomFloats(random, maxRows * k);
                float[] b = randomFloats(random, k * n);
                GemmF32Vector.Packed packed = GemmF32Vector.pack(false, n, k, b, 0, n, 1);
                float[] full = multiply(maxRows, n, k, a, b, packed);
                for (int m : ROWS) {
                    float[] c = multiply(m, n, k, a, b, packed);
                    for (int i = 0; i < m; i++) {
                        String context = "row " + i + " of m=" + m + " n=" + n + " k=" + k;
                        for (int j = 0; j < n; j++) {
                            double expected = 0;
                            for (int p = 0; p < k; p++) {
                                expected += (double) a[i * k + p] * b[p * n + j];
                            }
                            assertEquals(expected, c[i * n + j], 1e-5 * Math.sqrt(k) * 4, context + " column " + j);
                        }
                        assertArrayEquals(Arrays.copyOfRange(full, i * n, (i + 1) * n), Arrays.copyOfRange(c, i * n,
                                (i + 1) * n), context + ": same bits as in a batch of " + maxRows);
                    }
                }
            }
        }
    }

    @Test
    void theUnpackedPathAgreesWithThePackedOne() {
        SplittableRandom random = new SplittableRandom(12);
        int m = 1, n = 4 * GemmF32Vector.NR + 5, k = GemmF32Vector.KC + 9;
        float[] a = randomFloats(random, m * k);
        float[] b = randomFloats(random, k * n);
        float[] packedResult = multiply(m, n, k, a, b, GemmF32Vector.pack(false, n, k, b, 0, n, 1));
        float[] plain = new float[m * n];
        GemmF32Vector.gemm(m, n, k, a, 0, k, 1, b, 0, n, 1, plain, 0, n, false);
        for (int j = 0; j < n; j++) {
            assertEquals(plain[j], packedResult[j], 1e-4, "column " + j);
        }
    }

    /** A row times a transposed B (a classifier's {@code x W^T} at batch 1): a dot product per column. */
    @Test
    void rowTimesTransposedBEqualsAFloat64Reference() {
        SplittableRandom random = new SplittableRandom(14);
        int n = 1000 + 3, k = 1280 + 5;
        float[] a = randomFloats(random, k);
        float[] bT = randomFloats(random, n * k);
        float[] c = new float[n];
        GemmF32Vector.gemm(1, n, k, a, 0, k, 1, bT, 0, 1, k, c, 0, n, false);
        for (int j = 0; j < n; j++) {
            double expected = 0;
            for (int p = 0; p < k; p++) {
                expected += (double) a[p] * bT[j * k + p];
            }
            assertEquals(expected, c[j], 1e-5 * Math.sqrt(k) * 4, "column " + j);
        }
    }

    private static float[] multiply(int m, int n, int k, float[] a, float[] b, GemmF32Vector.Packed packed) {
        float[] c = new float[m * n];
        Arrays.fill(c, Float.NaN);  // every element must be written, not accumulated onto
        GemmF32Vector.gemm(m, n, k, a, 0, k, 1, null, b, 0, n, 1, packed, c, 0, n, false);
        return c;
    }
}
