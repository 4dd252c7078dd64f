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
import dev.adjoint.op.Conv2dSpec;
import dev.adjoint.spi.Storage;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code conv2dBias}: a convolution with its bias, residual (when given) and clamp applied by the kernels as each
 * output tile is written. The reference is the same backend's plain {@code conv2d} followed by a scalar loop that adds
 * the bias, then the residual, and clamps in the output's type, so every element must be bit for bit the same (NaN
 * where the reference has NaN): the epilogue may change where the bias, shortcut and activation are applied, never
 * what they give.
 */
class ConvolutionBiasTest {
    private static final double INF = Double.POSITIVE_INFINITY;
    /** No activation, ReLU, ReLU6, and a clamp whose low bound is negative. */
    private static final double[][] BOUNDS = {{-INF, INF}, {0, INF}, {0, 6}, {-0.25, 0.5}};

    private static void check(SplittableRandom random, DType dtype, int[] xd, int[] wd, Conv2dSpec spec,
            boolean nonFinite) {
        int oh = spec.outHeight(xd[2], wd[2]), ow = spec.outWidth(xd[3], wd[3]);
        double[] x = randomValues(random, dtype, (int) Shape.of(xd).size());
        double[] w = randomValues(random, dtype, (int) Shape.of(wd).size());
        double[] bias = randomValues(random, dtype, wd[0]);
        Shape outShape = Shape.of(xd[0], wd[0], oh, ow);
        double[] shortcut = randomValues(random, dtype, (int) outShape.size());
        if (nonFinite && x.length > 3) {
            x[random.nextInt(x.length)] = Double.NaN;
            x[random.nextInt(x.length)] = Double.POSITIVE_INFINITY;
            bias[random.nextInt(bias.length)] = Double.NEGATIVE_INFINITY;
            shortcut[random.nextInt(shortcut.length)] = Double.NaN;
            shortcut[random.nextInt(shortcut.length)] = Double.POSITIVE_INFINITY;
        }
        int positions = oh * ow;
        for (CpuBackend backend : new CpuBackend[] {SCALAR, VECTOR}) {
            double[] conv = values((CpuStorage) BackendCalls.conv2d(backend, storage(backend, dtype, x), Shape.of(xd),
                    storage(backend, dtype, w), Shape.of(wd), spec, outShape));
            for (double[] bound : BOUNDS) {
                for (boolean withResidual : new boolean[] {false, true}) {
                    Storage xs = storage(backend, dtype, x), ws = storage(backend, dtype, w);
                    Storage bs = storage(backend, dtype, bias);
                    CpuStorage fused = (CpuStorage) (withResidual
                            ? BackendCalls.conv2dBias(backend, xs, Shape.of(xd), ws, Shape.of(wd), bs,
                                    storage(backend, dtype, shortcut), spec, bound[0], bound[1], outShape)
                            : BackendCalls.conv2dBias(backend, xs, Shape.of(xd), ws, Shape.of(wd), bs, spec, bound[0],
                                    bound[1], outShape));
                    assertEquals(dtype, fused.dtype());
                    double[] got = values(fused);
                    String what = dtype + " conv2dBias x" + Shape.of(xd) + " w" + Shape.of(wd) + " " + spec + " ["
                            + bound[0] + ", " + bound[1] + "]" + (withResidual ? " + residual" : "") + " on "
                            + backend.name();
                    for (int i = 0; i < got.length; i++) {
                        int channel = i / positions % wd[0];
                        double expected;
                        if (dtype == DType.FLOAT32) {
                            float sum = (float) conv[i] + (float) bias[channel];
                            if (withResidual) {
                                sum += (float) shortcut[i];
                            }
                            expected = Math.min(Math.max(sum, (float) bound[0]), (float) bound[1]);
                        } else {
                            double sum = conv[i] + bias[channel];
                            if (withResidual) {
                                sum += shortcut[i];
                            }
                            expected = Math.min(Math.max(sum, bound[0]), bound[1]);
                        }
                        if (Double.isNaN(expected)) {
                            assertTrue(Double.isNaN(got[i]), what + ": element " + i + " is " + got[i] + ", not NaN");
                        } else {
                            assertEquals(expected, got[i], 0.0, what + ": element " + i);
                        }
                    }
                }
            }
        }
    }

    @Test
    void everyKernelPathAppliesTheBiasAndClampExactly() {
        SplittableRandom random = new SplittableRandom(31);
        for (boolean nonFinite : new boolean[] {false, true}) {
            // Pointwise straight on the input (packed GEMM, edge tiles at 7x7 and 14x14), and a small one.
            check(random, DType.FLOAT32, new int[] {1, 24, 14, 14}, new int[] {72, 24, 1, 1}, Conv2dSpec.of(1, 0),
                    nonFinite);
            check(random, DType.FLOAT32, new int[] {2, 40, 7, 7}, new int[] {20, 40, 1, 1}, Conv2dSpec.of(1, 0),
                    nonFinite);
            check(random, DType.FLOAT32, new int[] {1, 3, 4, 5}, new int[] {2, 3, 1, 1}, Conv2dSpec.of(1, 0),
                    nonFinite);
            // Through the unfold: strided 1x1, a 7x7 stem, 3x3 stride 2, and grouped.
            check(random, DType.FLOAT32, new int[] {1, 32, 21, 21}, new int[] {48, 32, 1, 1}, Conv2dSpec.of(2, 0),
                    nonFinite);
            check(random, DType.FLOAT32, new int[] {1, 3, 45, 45}, new int[] {16, 3, 7, 7}, Conv2dSpec.of(2, 3),
                    nonFinite);
            // A MobileNet stem with output channels past a panel's (the polyphase kernel's copy-out applies it).
            check(random, DType.FLOAT32, new int[] {2, 3, 29, 30}, new int[] {20, 3, 3, 3}, Conv2dSpec.of(2, 1),
                    nonFinite);
            check(random, DType.FLOAT32, new int[] {3, 16, 21, 20}, new int[] {24, 16, 3, 3}, Conv2dSpec.of(2, 1),
                    nonFinite);
            check(random, DType.FLOAT32, new int[] {2, 16, 17, 17}, new int[] {32, 4, 3, 3}, Conv2dSpec.of(1, 1, 1, 4),
                    nonFinite);
            // Winograd (3x3 stride 1, >= 16 channels), with channel counts that leave a partial vector.
            check(random, DType.FLOAT32, new int[] {1, 32, 23, 23}, new int[] {40, 32, 3, 3}, Conv2dSpec.of(1, 1),
                    nonFinite);
            check(random, DType.FLOAT32, new int[] {2, 20, 14, 14}, new int[] {37, 20, 3, 3}, Conv2dSpec.of(1, 1),
                    nonFinite);
            // Depthwise 3x3 stride 1 and 2, and a general depthwise geometry.
            check(random, DType.FLOAT32, new int[] {1, 32, 29, 29}, new int[] {32, 1, 3, 3}, Conv2dSpec.of(1, 1, 1, 32),
                    nonFinite);
            check(random, DType.FLOAT32, new int[] {2, 24, 30, 31}, new int[] {24, 1, 3, 3}, Conv2dSpec.of(2, 1, 1, 24),
                    nonFinite);
            // Stride 2 to rows of fewer than half a vector (MobileNet's 14x14 -> 7x7), in runs of planes: an even and
            // an odd size, two images.
            check(random, DType.FLOAT32, new int[] {2, 24, 14, 14}, new int[] {24, 1, 3, 3}, Conv2dSpec.of(2, 1, 1, 24),
                    nonFinite);
            check(random, DType.FLOAT32, new int[] {2, 19, 13, 13}, new int[] {19, 1, 3, 3}, Conv2dSpec.of(2, 1, 1, 19),
                    nonFinite);
            check(random, DType.FLOAT32, new int[] {1, 6, 9, 11}, new int[] {12, 1, 5, 3},
                    new Conv2dSpec(2, 1, 1, 2, 0, 1, 1, 2, 6), nonFinite);
            // Few positions: the transposed product, with the epilogue applied as it is transposed back.
            check(random, DType.FLOAT32, new int[] {1, 64, 14, 14}, new int[] {128, 64, 3, 3}, Conv2dSpec.of(2, 1),
                    nonFinite);
            check(random, DType.FLOAT32, new int[] {1, 960, 7, 7}, new int[] {160, 960, 1, 1}, Conv2dSpec.of(1, 0),
                    nonFinite);
            // float64 takes the scalar epilogue after its GEMM.
            check(random, DType.FLOAT64, new int[] {2, 4, 9, 7}, new int[] {6, 2, 3, 2},
                    new Conv2dSpec(2, 1, 1, 0, 2, 1, 1, 2, 2), nonFinite);
            check(random, DType.FLOAT64, new int[] {1, 32, 12, 12}, new int[] {40, 32, 3, 3}, Conv2dSpec.of(1, 1),
                    nonFinite);
        }
    }

    /**
     * The vector kernels clamp with a compare and a blend, which matches Math.max/Math.min except for a low bound
     * of -0.0 (it would keep -0.0 where Math.max(+0.0, -0.0) is +0.0) and a high bound of +0.0; those bounds take the
     * exact pass instead. Compared bit for bit, as assertEquals treats -0.0 and +0.0 as equal.
     */
    @Test
    void signedZeroBoundsGiveMathMaxAndMinSignsBitForBit() {
        SplittableRandom random = new SplittableRandom(34);
        // Zero inputs and zero biases of both signs: every sum is +0.0, which a blend against a low bound of -0.0
        // would turn into -0.0.
        Tensor x = Tensor.zeros(DType.FLOAT32, 1, 16, 14, 14);
        Tensor w = Tensor.randomNormal(random, 0, 1, 24, 16, 1, 1);
        float[] zeros = new float[24];
        for (int i = 0; i < zeros.length; i++) {
            zeros[i] = i % 2 == 0 ? 0f : -0f;
        }
        Tensor b = Tensor.of(zeros, Shape.of(24));
        float[] conv = x.conv2d(w, Conv2dSpec.of(1, 0)).toFloatArray();
        double[][] bounds = {{-0.0, INF}, {-INF, 0.0}, {-0.0, 0.0}, {0.0, 0.0}, {-0.0, -0.0}, {0.0, INF}};
        for (double[] bound : bounds) {
            float[] got = x.conv2dBias(w, b, Conv2dSpec.of(1, 0), bound[0], bound[1]).toFloatArray();
            for (int i = 0; i < got.length; i++) {
                float expected = Math.min(Math.max(conv[i] + zeros[i / 196], (float) bound[0]), (float) bound[1]);
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(got[i]),
                        "[" + bound[0] + ", " + bound[1] + "] element " + i + ": " + got[i] + " for " + expected);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new GemmF32Vector.Epilogue(new float[1], 0, null, -0f, 1f));
        assertThrows(IllegalArgumentException.class, () -> new GemmF32Vector.Epilogue(new float[1], 0, null, -1f, 0f));
    }

    @Test
    void largeLayersSplitOverCoresGiveTheSameElements() {
        SplittableRandom random = new SplittableRandom(32);
        // Large enough to fork: the GEMM's rectangles (and shared patches), Winograd's blocks, depthwise planes.
        check(random, DType.FLOAT32, new int[] {1, 64, 56, 56}, new int[] {64, 64, 3, 3}, Conv2dSpec.of(1, 1), false);
        check(random, DType.FLOAT32, new int[] {1, 64, 28, 28}, new int[] {192, 64, 3, 3}, Conv2dSpec.of(2, 1), false);
        check(random, DType.FLOAT32, new int[] {1, 16, 112, 112}, new int[] {96, 16, 1, 1}, Conv2dSpec.of(1, 0),
                false);
        check(random, DType.FLOAT32, new int[] {2, 96, 56, 56}, new int[] {96, 1, 3, 3}, Conv2dSpec.of(1, 1, 1, 96),
                false);
    }

    /** The Tensor forms, without and with a residual: the same values as the layers one by one. */
    @Test
    void tensorFacadeEqualsTheLayersOneByOne() {
        SplittableRandom random = new SplittableRandom(33);
        Tensor x = Tensor.randomNormal(random, 0, 1, 1, 8, 10, 10);
        Tensor w = Tensor.randomNormal(random, 0, 0.3, 12, 8, 3, 3);
        Tensor b = Tensor.randomNormal(random, 0, 1, 12);
        Tensor fused = x.conv2dBias(w, b, Conv2dSpec.of(1, 1), 0, 6);
        Tensor reference = x.conv2d(w, Conv2dSpec.of(1, 1)).add(b.reshape(1, 12, 1, 1)).clip(0.0, 6.0);
        assertEquals(reference.shape(), fused.shape());
        float[] expected = reference.toFloatArray(), got = fused.toFloatArray();
        for (int i = 0; i < got.length; i++) {
            assertEquals(expected[i], got[i], 0f, "element " + i);
        }

        random = new SplittableRandom(35);
        x = Tensor.randomNormal(random, 0, 1, 2, 16, 12, 12);
        w = Tensor.randomNormal(random, 0, 0.3, 16, 16, 3, 3);
        b = Tensor.randomNormal(random, 0, 1, 16);
        Tensor r = Tensor.randomNormal(random, 0, 1, 2, 16, 12, 12);
        float[] withResidual = x.conv2dBias(w, b, r, Conv2dSpec.of(1, 1), 0, Double.POSITIVE_INFINITY).toFloatArray();
        float[] layers = x.conv2d(w, Conv2dSpec.of(1, 1)).add(b.reshape(1, 16, 1, 1)).add(r).relu().toFloatArray();
        assertArrayEquals(layers, withResidual);
    }

    @Test
    void badOperandsAreNamedErrors() {
        Tensor x = Tensor.zeros(DType.FLOAT32, 1, 4, 5, 5);
        Tensor w = Tensor.zeros(DType.FLOAT32, 6, 4, 3, 3);
        TensorException shape = assertThrows(TensorException.class,
                () -> x.conv2dBias(w, Tensor.zeros(DType.FLOAT32, 5), Conv2dSpec.of(1, 1), 0, 6));
        assertTrue(shape.getMessage().contains("conv2dBias") && shape.getMessage().contains("(5,)"), shape.getMessage());
        TensorException ints = assertThrows(TensorException.class, () -> x.cast(DType.INT32)
                .conv2dBias(w.cast(DType.INT32), Tensor.zeros(DType.INT32, 6), Conv2dSpec.of(1, 1), 0, 6));
        assertTrue(ints.getMessage().contains("floating"), ints.getMessage());
        TensorException bounds = assertThrows(TensorException.class,
                () -> x.conv2dBias(w, Tensor.zeros(DType.FLOAT32, 6), Conv2dSpec.of(1, 1), 6, 0));
        assertTrue(bounds.getMessage().contains("greater than"), bounds.getMessage());
        TensorException residual = assertThrows(TensorException.class, () -> x.conv2dBias(w,
                Tensor.zeros(DType.FLOAT32, 6), Tensor.zeros(DType.FLOAT32, 1, 6, 5, 4), Conv2dSpec.of(1, 1), 0, 6));
        assertEquals("conv2dBias: needs a residual of the output's shape (1, 6, 5, 5), got shape (1, 6, 5, 4)",
                residual.getMessage());
    }
}
