package dev.adjoint.cpu;

import static dev.adjoint.cpu.MatmulTestSupport.nanFilled;
import static dev.adjoint.cpu.MatmulTestSupport.randomFloats;
import static dev.adjoint.cpu.MatmulTestSupport.referenceEntry;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The last, part-filled column panel of B (a 14x14 map's 196 = 6 x 32 + 4 columns, a 28x28 map's 784 = 24 x 32 + 16)
 * is packed by rows when B is row-major and by columns when it is stored transposed, and read by the thin, narrow or
 * edge tile after it. For every width of that panel and row counts that fill, and do not fill, the last row panel,
 * the product must equal a float64 reference and carry the same bits whichever way B is stored, since both packings
 * must lay out the same panel, zero padding included.
 */
class GemmLastPanelTest {
    private static final int NR = GemmF32Vector.NR;
    private static final int MR = GemmF32Vector.MR;
    private static final int[] ROWS = {MR, 3 * MR, 5 * MR + 1, 96 + MR};
    private static final int[] DEPTHS = {7, GemmF32Vector.KC + 44};

    @Test
    void everyLastPanelWidthEqualsAFloat64ReferenceWhicheverWayBIsStored() {
        SplittableRandom random = new SplittableRandom(83);
        for (int m : ROWS) {
            for (int k : DEPTHS) {
                float[] a = randomFloats(random, m * k);
                GemmF32Vector.Packed packedA = GemmF32Vector.pack(true, m, k, a, 0, k, 1);
                for (int rest = 1; rest < NR; rest++) {
                    int n = 2 * NR + rest;
                    float[] b = randomFloats(random, k * n);
                    float[] bTransposed = new float[n * k];
                    for (int p = 0; p < k; p++) {
                        for (int j = 0; j < n; j++) {
                            bTransposed[j * k + p] = b[p * n + j];
                        }
                    }
                    String context = "m=" + m + " n=" + n + " k=" + k;
                    float[] byRows = nanFilled(m * n), byColumns = nanFilled(m * n);
                    GemmF32Vector.gemm(m, n, k, a, 0, k, 1, packedA, b, 0, n, 1, null, null, byRows, 0, n, false);
                    GemmF32Vector.gemm(m, n, k, a, 0, k, 1, packedA, bTransposed, 0, 1, k, null, null, byColumns, 0, n,
                            false);
                    assertArrayEquals(byColumns, byRows, context + ": B row-major and transposed, the same bits");
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            double sum = referenceEntry(a, b, i, j, k, n);
                            assertEquals(sum, byRows[i * n + j], 2e-5 * Math.sqrt(k), context + " at " + i + "," + j);
                        }
                    }
                }
            }
        }
    }
}
