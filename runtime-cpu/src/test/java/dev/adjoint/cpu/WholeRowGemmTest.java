package dev.adjoint.cpu;

import static dev.adjoint.cpu.MatmulTestSupport.VECTOR;
import static dev.adjoint.cpu.MatmulTestSupport.nanFilled;
import static dev.adjoint.cpu.MatmulTestSupport.randomFloats;
import static dev.adjoint.cpu.MatmulTestSupport.randomValues;
import static dev.adjoint.cpu.MatmulTestSupport.referenceEntry;
import static dev.adjoint.cpu.MatmulTestSupport.storage;
import static dev.adjoint.cpu.MatmulTestSupport.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.op.Conv2dSpec;
import dev.adjoint.spi.Storage;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Products whose rows are three vectors and a value (the 7x7 maps on a 512-bit species) run tiles that span whole
 * rows ({@link WholeRowGemmF32}): each element must equal a float64 reference and carry the same bits as the panels
 * of {@link GemmF32Vector} give for the same packed A, with and without the epilogue. Row counts cover whole tiles
 * (8 rows, an A panel) and last tiles of 1 to 7 rows; depths cover one and several depth blocks.
 * Skipped where the species is narrower (AVX2), where nothing runs there.
 */
class WholeRowGemmTest {
    private static final int N = 49;
    private static final int[] ROWS = {1, 3, 4, 7, 8, 13, 15, 30, 64};
    private static final int[] DEPTHS = {1, 16, 75, GemmF32Vector.KC + 44, 2 * GemmF32Vector.KC + 3};

    @BeforeEach
    void onlyOnA512BitSpecies() {
        assumeTrue(WholeRowGemmF32.applies(N), "rows of 49 are three vectors and a value only with 16 lanes");
    }

    @Test
    void equalsAFloat64ReferenceAndThePanelsBitForBit() {
        SplittableRandom random = new SplittableRandom(30);
        for (int m : ROWS) {
            for (int k : DEPTHS) {
                float[] a = randomFloats(random, m * k), b = randomFloats(random, k * N);
                float[] bias = randomFloats(random, m), shortcut = randomFloats(random, m * N);
                GemmF32Vector.Packed packedA = GemmF32Vector.pack(true, m, k, a, 0, k, 1);
                for (boolean fork : new boolean[] {false, true}) {
                    for (GemmF32Vector.Epilogue e : new GemmF32Vector.Epilogue[] {null,
                            new GemmF32Vector.Epilogue(bias, 0, null, -0.5f, 0.75f),
                            new GemmF32Vector.Epilogue(bias, 0, shortcut, -0.5f, 0.75f)}) {
                        String context = "m=" + m + " k=" + k + " fork=" + fork + " epilogue=" + (e != null)
                                + " residual=" + (e != null && e.residual() != null);
                        float[] wholeRows = nanFilled(m * N), panels = nanFilled(m * N);
                        WholeRowGemmF32.multiply(m, N, k, packedA, b, 0, e, wholeRows, 0, fork);
                        GemmF32Vector.gemm(m, N, k, a, 0, k, 1, packedA, b, 0, N, 1, null, e, panels, 0, N, fork);
                        assertArrayEquals(panels, wholeRows, context + ": the same bits as the panels");
                        for (int i = 0; i < m; i++) {
                            for (int j = 0; j < N; j++) {
                                double sum = referenceEntry(a, b, i, j, k, N);
                                double r = e == null || e.residual() == null ? 0 : shortcut[i * N + j];
                                double expected = e == null ? sum : Math.min(Math.max(sum + bias[i] + r, -0.5), 0.75);
                                assertEquals(expected, wholeRows[i * N + j], 2e-5 * Math.sqrt(k),
                                        context + " at " + i + "," + j);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void offsetsAndNonFiniteValuesAsThePanels() {
        SplittableRandom random = new SplittableRandom(31);
        int m = 21, k = 300, bOff = 7, cOff = 5;
        float[] a = randomFloats(random, m * k), b = randomFloats(random, bOff + k * N);
        float[] bias = randomFloats(random, m + 3), shortcut = randomFloats(random, cOff + m * N);
        a[3 * k + 10] = Float.POSITIVE_INFINITY;  // row 3: +inf or NaN in every column
        b[bOff + 20 * N + 48] = Float.NaN;        // the last column: NaN in every row
        b[bOff + 40 * N + 17] = Float.NEGATIVE_INFINITY;
        bias[3 + 9] = Float.NEGATIVE_INFINITY;
        shortcut[cOff + 12 * N + 48] = Float.NaN;
        GemmF32Vector.Packed packedA = GemmF32Vector.pack(true, m, k, a, 0, k, 1);
        for (GemmF32Vector.Epilogue e : new GemmF32Vector.Epilogue[] {null,
                new GemmF32Vector.Epilogue(bias, 3, shortcut, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY),
                new GemmF32Vector.Epilogue(bias, 3, shortcut, 0f, 6f)}) {
            float[] wholeRows = nanFilled(cOff + m * N), panels = nanFilled(cOff + m * N);
            WholeRowGemmF32.multiply(m, N, k, packedA, b, bOff, e, wholeRows, cOff, true);
            GemmF32Vector.gemm(m, N, k, a, 0, k, 1, packedA, b, bOff, N, 1, null, e, panels, cOff, N, true);
            assertArrayEquals(panels, wholeRows, "epilogue " + e);
            assertEquals(Float.NaN, wholeRows[cOff - 1], "nothing written before C");
            for (int i = 0; i < m; i++) {
                assertTrue(Float.isNaN(wholeRows[cOff + i * N + 48]), "row " + i + " of the NaN column");
            }
        }
    }

    @Test
    void refusesPanelsOfAnotherShape() {
        float[] a = new float[8 * 4];
        GemmF32Vector.Packed packedA = GemmF32Vector.pack(true, 8, 4, a, 0, 4, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WholeRowGemmF32.multiply(8, N, 5, packedA, new float[5 * N], 0, null, new float[8 * N], 0,
                        false));
        assertEquals("whole-row product of 8 x 5 by 5 x 49 with panels of 8 x 4", e.getMessage());
    }

    /**
     * A 1x1 convolution on 7x7 maps: its first call packs nothing (a weight is packed once seen twice) and runs the
     * panels; later calls read the packed filters and run whole rows. Every call must give the same bits.
     */
    @Test
    void pointwiseConvolutionGivesTheSameBitsOnceItsFiltersArePacked() {
        SplittableRandom random = new SplittableRandom(32);
        int batch = 2, in = 96, out = 100;
        Shape xShape = Shape.of(batch, in, 7, 7), wShape = Shape.of(out, in, 1, 1);
        Shape outShape = Shape.of(batch, out, 7, 7);
        double[] x = randomValues(random, DType.FLOAT32, (int) xShape.size());
        double[] w = randomValues(random, DType.FLOAT32, (int) wShape.size());
        double[] bias = randomValues(random, DType.FLOAT32, out);
        Storage ws = storage(VECTOR, DType.FLOAT32, w), bs = storage(VECTOR, DType.FLOAT32, bias);
        Storage xs = storage(VECTOR, DType.FLOAT32, x);
        double[] first = null;
        for (int call = 0; call < 3; call++) {
            double[] got = values((CpuStorage) BackendCalls.conv2dBias(VECTOR, xs, xShape, ws, wShape, bs,
                    Conv2dSpec.of(1, 0), 0, 6, outShape));
            if (first == null) {
                first = got;
                for (int i = 0; i < got.length; i++) {
                    int image = i / (out * N), o = i / N % out, p = i % N;
                    double sum = bias[o];
                    for (int c = 0; c < in; c++) {
                        sum += w[o * in + c] * x[(image * in + c) * N + p];
                    }
                    assertEquals(Math.min(Math.max(sum, 0), 6), got[i], 1e-5 * Math.sqrt(in), "element " + i);
                }
            } else {
                assertArrayEquals(first, got, "call " + call);
            }
        }
    }
}
