package dev.adjoint.cpu;

import static dev.adjoint.cpu.MatmulTestSupport.nanFilled;
import static dev.adjoint.cpu.MatmulTestSupport.randomFloats;
import static dev.adjoint.cpu.MatmulTestSupport.referenceEntry;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Products with few rows of A and a row-major B (a 1x1 convolution projecting to 16 or 32 channels, or to 64 or 96
 * from a B that stays in L2) read B in place
 * rather than packed: each element must equal a float64 reference, and carry the same bits as the product with B
 * pre-packed, which runs the same tiles in the same order. Column counts cover whole panels, a last panel of at most
 * one vector and a column (the narrow tile) and a wider one (the edge tile); depths cover one and several depth
 * blocks.
 */
class GemmStreamedBTest {
    private static final int NR = GemmF32Vector.NR;
    private static final int V = NR / 2;
    /**
     * Multiples of the tile height on AVX-512 (8) and AVX2 (4), up to the streamed limit, and past it up to the limit
     * for a B that stays in L2 (which all but the widest B here do).
     */
    private static final int[] ROWS = {8, 16, 24, 32, 64, 96};
    private static final int[] COLUMNS = {12 * NR, 12 * NR + 4, 12 * NR + V + 1, 12 * NR + V + 3, 40 * NR + 1};
    private static final int[] DEPTHS = {16, 75, GemmF32Vector.KC + 44};

    @Test
    void streamedBEqualsAFloat64ReferenceAndThePackedPathBitForBit() {
        SplittableRandom random = new SplittableRandom(61);
        for (int m : ROWS) {
            for (int n : COLUMNS) {
                for (int k : DEPTHS) {
                    float[] a = randomFloats(random, m * k), b = randomFloats(random, k * n);
                    float[] bias = randomFloats(random, m), shortcut = randomFloats(random, m * n);
                    GemmF32Vector.Packed packedB = GemmF32Vector.pack(false, n, k, b, 0, n, 1);
                    for (boolean fork : new boolean[] {false, true}) {
                        for (GemmF32Vector.Epilogue e : new GemmF32Vector.Epilogue[] {null,
                                new GemmF32Vector.Epilogue(bias, 0, null, -0.5f, 0.75f),
                                new GemmF32Vector.Epilogue(bias, 0, shortcut, -0.5f, 0.75f)}) {
                            String context = "m=" + m + " n=" + n + " k=" + k + " fork=" + fork + " epilogue="
                                    + (e != null) + " residual=" + (e != null && e.residual() != null);
                            float[] streamed = nanFilled(m * n), packed = nanFilled(m * n);
                            GemmF32Vector.gemm(m, n, k, a, 0, k, 1, null, b, 0, n, 1, null, e, streamed, 0, n, fork);
                            GemmF32Vector.gemm(m, n, k, a, 0, k, 1, null, b, 0, n, 1, packedB, e, packed, 0, n, fork);
                            assertArrayEquals(packed, streamed, context + ": the same bits as with B packed");
                            for (int i = 0; i < m; i++) {
                                for (int j = 0; j < n; j++) {
                                    double sum = referenceEntry(a, b, i, j, k, n);
                                    double r = e == null || e.residual() == null ? 0 : shortcut[i * n + j];
                                    double expected = e == null ? sum
                                            : Math.min(Math.max(sum + bias[i] + r, -0.5), 0.75);
                                    assertEquals(expected, streamed[i * n + j], 2e-5 * Math.sqrt(k),
                                            context + " at " + i + "," + j);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
