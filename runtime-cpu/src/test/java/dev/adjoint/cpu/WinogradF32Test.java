package dev.adjoint.cpu;

import static dev.adjoint.cpu.MatmulTestSupport.VECTOR;
import static dev.adjoint.cpu.MatmulTestSupport.assertClose;
import static dev.adjoint.cpu.MatmulTestSupport.randomValues;
import static dev.adjoint.cpu.MatmulTestSupport.storage;
import static dev.adjoint.cpu.MatmulTestSupport.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.op.Conv2dSpec;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The Winograd F(4x4, 3x3) convolution ({@link WinogradF32}) against a float64 direct convolution.
 *
 * <p>Tolerance: {@value #TOLERANCE} times the sum of |x * w| over each output's window (at least 1), the
 * convention of {@code ConvolutionTest}. The transforms scale values by up to 5 (input), 8 (output) and
 * 1/6..1/24 (filters) and sum six terms per pass, so an output carries the float32 rounding of the whole 6x6
 * tile's terms, not only of its own window: over these sweeps the worst error was 1.1e-5 of that measure
 * (against ~1e-6 for im2col), and up to 2.2e-4 of an output's own sum |x*w| where that sum is small next
 * to its tile's. 2e-4 leaves an ~18x margin and still catches any wrong coefficient (errors of order 1).
 * Both non-finite tests fail when the per-tile direct recompute is switched off.
 */
class WinogradF32Test {
    private static final double TOLERANCE = 2e-4;

    /** Direct float64 3x3 cross-correlation, stride 1, with sum |x*w| per output. */
    private static double[][] reference(double[] x, int n, int c, int h, int w, double[] wt, int o, Conv2dSpec s,
            int oh, int ow) {
        double[] out = new double[n * o * oh * ow];
        double[] scale = new double[out.length];
        for (int b = 0; b < n; b++) {
            for (int oc = 0; oc < o; oc++) {
                for (int y = 0; y < oh; y++) {
                    for (int xo = 0; xo < ow; xo++) {
                        double sum = 0, abs = 0;
                        for (int ic = 0; ic < c; ic++) {
                            for (int i = 0; i < 3; i++) {
                                for (int j = 0; j < 3; j++) {
                                    int iy = y - s.padTop() + i, ix = xo - s.padLeft() + j;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                        continue;
                                    }
                                    double term = x[((b * c + ic) * h + iy) * w + ix]
                                            * wt[((oc * c + ic) * 3 + i) * 3 + j];
                                    sum += term;
                                    abs += Math.abs(term);
                                }
                            }
                        }
                        int at = ((b * o + oc) * oh + y) * ow + xo;
                        out[at] = sum;
                        scale[at] = abs;
                    }
                }
            }
        }
        return new double[][] {out, scale};
    }

    private static float[] floats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    private static double[] doubles(float[] f) {
        double[] v = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            v[i] = f[i];
        }
        return v;
    }

    /** Runs {@link WinogradF32#conv} itself, whatever the dispatch thresholds say. */
    private static float[] winograd(float[] x, int n, int c, int h, int w, CpuStorage weight, int o, Conv2dSpec s) {
        int oh = s.outHeight(h, 3), ow = s.outWidth(w, 3);
        float[] out = new float[n * o * oh * ow];
        WinogradF32.conv(x, n, c, h, w, weight, o, s, oh, ow, null, out);
        return out;
    }

    private static void check(SplittableRandom random, int n, int c, int h, int w, int o, Conv2dSpec s) {
        int oh = s.outHeight(h, 3), ow = s.outWidth(w, 3);
        double[] x = randomValues(random, DType.FLOAT32, n * c * h * w);
        double[] wt = randomValues(random, DType.FLOAT32, o * c * 9);
        double[][] expected = reference(x, n, c, h, w, wt, o, s, oh, ow);
        CpuStorage weight = storage(VECTOR, DType.FLOAT32, wt);
        // Three calls: the first notes the weight, the second transforms it into the cache, the third reuses it.
        for (int call = 0; call < 3; call++) {
            float[] out = winograd(floats(x), n, c, h, w, weight, o, s);
            assertClose("winograd x[" + n + "," + c + "," + h + "," + w + "] out " + o + " " + s + " call " + call,
                    expected[0], expected[1], doubles(out), TOLERANCE);
        }
    }

    @Test
    void sweepOfSizesPaddingsBatchesAndChannels() {
        SplittableRandom random = new SplittableRandom(9);
        int[][] sizes = {{1, 1}, {2, 2}, {3, 3}, {1, 7}, {5, 3}, {4, 4}, {6, 6}, {7, 7}, {8, 8}, {9, 13}, {14, 14},
            {17, 11}};
        Conv2dSpec[] specs = {Conv2dSpec.of(1, 0), Conv2dSpec.of(1, 1), Conv2dSpec.of(1, 2),
            new Conv2dSpec(1, 1, 0, 2, 1, 0, 1, 1, 1), new Conv2dSpec(1, 1, 2, 0, 0, 1, 1, 1, 1)};
        int[][] channels = {{1, 1}, {3, 5}, {16, 16}, {17, 33}, {70, 19}};
        int cases = 0;
        for (int[] size : sizes) {
            for (Conv2dSpec s : specs) {
                if (s.outHeight(size[0], 3) < 1 || s.outWidth(size[1], 3) < 1) {
                    continue;
                }
                for (int[] ch : channels) {
                    for (int n : new int[] {1, 3}) {
                        // Keep the float64 reference's cost down: the widest channels only on a few sizes.
                        if (ch[0] >= 70 && size[0] * size[1] > 100 && n > 1) {
                            continue;
                        }
                        check(random, n, ch[0], size[0], size[1], ch[1], s);
                        cases++;
                    }
                }
            }
        }
        assertTrue(cases > 300, "swept " + cases + " cases");
    }

    @Test
    void resNetShapedLayerSplitOverBlocks() {
        // 64 -> 64 channels at 28x28, batch 2: 98 tiles, several blocks, and threads where there are any.
        check(new SplittableRandom(12), 2, 64, 28, 28, 64, Conv2dSpec.of(1, 1));
        // Batch 1 at 28x28: 49 tiles, one block per thread (25 and 24 tiles on two), not a micro-tile multiple.
        check(new SplittableRandom(13), 1, 32, 28, 28, 48, Conv2dSpec.of(1, 1));
    }

    @Test
    void conv2dDispatchesLargeThreeByThreeLayersHere() {
        SplittableRandom random = new SplittableRandom(5);
        int n = 2, c = 16, h = 10, w = 9, o = 24;
        Conv2dSpec s = Conv2dSpec.of(1, 1);
        assertTrue(WinogradF32.applies(n, c, o, 3, 3, s, h, w));
        double[] x = randomValues(random, DType.FLOAT32, n * c * h * w);
        double[] wt = randomValues(random, DType.FLOAT32, o * c * 9);
        CpuStorage weight = storage(VECTOR, DType.FLOAT32, wt);
        float[] viaBackend = ((CpuStorage) BackendCalls.conv2d(VECTOR, storage(VECTOR, DType.FLOAT32, x),
                Shape.of(n, c, h, w), weight, Shape.of(o, c, 3, 3), s, Shape.of(n, o, h, w))).floats();
        // Bit for bit what the Winograd kernel gives (im2col rounds differently), and close to the reference.
        assertArrayEquals(winograd(floats(x), n, c, h, w, weight, o, s), viaBackend);
        double[][] expected = reference(x, n, c, h, w, wt, o, s, h, w);
        assertClose("conv2d through the backend", expected[0], expected[1], doubles(viaBackend), TOLERANCE);
    }

    @Test
    void smallOrOtherGeometriesStayOnIm2col() {
        Conv2dSpec s = Conv2dSpec.of(1, 1);
        assertTrue(WinogradF32.applies(1, 64, 64, 3, 3, s, 56, 56), "ResNet's 56x56 layer");
        assertTrue(WinogradF32.applies(1, 256, 256, 3, 3, s, 14, 14), "14x14: 16 tiles");
        assertFalse(WinogradF32.applies(1, 512, 512, 3, 3, s, 7, 7), "7x7 at batch 1: 4 tiles");
        assertTrue(WinogradF32.applies(8, 512, 512, 3, 3, s, 7, 7), "7x7 at batch 8: 32 tiles");
        assertFalse(WinogradF32.applies(1, 8, 64, 3, 3, s, 56, 56), "few input channels");
        assertFalse(WinogradF32.applies(1, 64, 8, 3, 3, s, 56, 56), "few output channels");
        assertFalse(WinogradF32.applies(1, 64, 64, 3, 3, Conv2dSpec.of(2, 1), 56, 56), "stride 2");
        assertFalse(WinogradF32.applies(1, 64, 64, 3, 3, Conv2dSpec.of(1, 2, 2, 1), 56, 56), "dilation 2");
        assertFalse(WinogradF32.applies(1, 64, 64, 3, 3, Conv2dSpec.of(1, 1, 1, 2), 56, 56), "groups 2");
        assertFalse(WinogradF32.applies(1, 64, 64, 5, 5, s, 56, 56), "5x5 kernel");
    }

    @Test
    void inPlaceWriteOfTheWeightIsSeenByTheNextCall() {
        SplittableRandom random = new SplittableRandom(77);
        int n = 1, c = 16, h = 12, w = 12, o = 32;
        Conv2dSpec s = Conv2dSpec.of(1, 1);
        double[] x = randomValues(random, DType.FLOAT32, n * c * h * w);
        double[] wt = randomValues(random, DType.FLOAT32, o * c * 9);
        CpuStorage weight = storage(VECTOR, DType.FLOAT32, wt);
        winograd(floats(x), n, c, h, w, weight, o, s);
        winograd(floats(x), n, c, h, w, weight, o, s);
        assertTrue(PackedOperands.bytesHeld(weight) > 0, "the second call caches the transformed filters");
        double[] newWeights = randomValues(random, DType.FLOAT32, wt.length);
        PackedOperands.written(weight);
        System.arraycopy(floats(newWeights), 0, weight.floats(), 0, wt.length);
        double[][] expected = reference(x, n, c, h, w, newWeights, o, s, h, w);
        for (int call = 0; call < 3; call++) {
            assertClose("after the write, call " + call, expected[0], expected[1],
                    doubles(winograd(floats(x), n, c, h, w, weight, o, s)), TOLERANCE);
        }
    }

    /**
     * Where the reference is NaN or infinite the result is the same; elsewhere it is close. Without the
     * per-tile recompute a NaN would spread to all 16 outputs of its tile and beyond its 3x3 windows.
     */
    private static void checkNonFinite(String what, double[] x, int n, int c, int h, int w, double[] wt, int o,
            Conv2dSpec s) {
        int oh = s.outHeight(h, 3), ow = s.outWidth(w, 3);
        double[][] expected = reference(x, n, c, h, w, wt, o, s, oh, ow);
        CpuStorage weight = storage(VECTOR, DType.FLOAT32, wt);
        for (int call = 0; call < 2; call++) {
            float[] out = winograd(floats(x), n, c, h, w, weight, o, s);
            int finite = 0;
            for (int i = 0; i < out.length; i++) {
                double e = expected[0][i];
                if (Double.isNaN(e) || Double.isInfinite(e)) {
                    if (Double.compare(e, out[i]) != 0) {
                        fail(what + ": element " + i + " is " + out[i] + ", expected " + e);
                    }
                } else {
                    finite++;
                    if (!(Math.abs(e - out[i]) <= TOLERANCE * Math.max(1, expected[1][i]))) {
                        fail(what + ": element " + i + " is " + out[i] + ", expected " + e);
                    }
                }
            }
            assertTrue(finite > 0 && finite < out.length, what + ": the case mixes finite and non-finite outputs");
        }
    }

    @Test
    void nanAndInfinityStayInTheWindowsThatSeeThem() {
        SplittableRandom random = new SplittableRandom(3);
        int n = 2, c = 17, h = 13, w = 11, o = 18;
        Conv2dSpec s = Conv2dSpec.of(1, 1);
        double[] wt = randomValues(random, DType.FLOAT32, o * c * 9);
        double[] x = randomValues(random, DType.FLOAT32, n * c * h * w);
        x[((0 * c + 3) * h + 5) * w + 6] = Double.NaN;
        x[((1 * c + 16) * h + 0) * w + 10] = Double.POSITIVE_INFINITY;
        x[((1 * c + 2) * h + 9) * w + 1] = Double.NEGATIVE_INFINITY;
        checkNonFinite("NaN and infinities in the input", x, n, c, h, w, wt, o, s);
        // One infinite weight makes its output channel non-finite wherever the tap reads a nonzero.
        double[] x2 = randomValues(random, DType.FLOAT32, n * c * h * w);
        double[] wt2 = wt.clone();
        wt2[((4 * c + 7) * 3 + 1) * 3 + 1] = Double.POSITIVE_INFINITY;
        checkNonFinite("an infinite weight", x2, n, c, h, w, wt2, o, s);
    }

    @Test
    void valuesNearTheFloatRangeDoNotOverflowInTheTransforms() {
        // B^T d B multiplies by up to 25 and sums: 1e37 overflows there, while each direct sum stays finite.
        SplittableRandom random = new SplittableRandom(8);
        int n = 1, c = 2, h = 9, w = 9, o = 16;
        Conv2dSpec s = Conv2dSpec.of(1, 0);
        double[] x = randomValues(random, DType.FLOAT32, n * c * h * w);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (x[i] * 1e37);
        }
        double[] wt = randomValues(random, DType.FLOAT32, o * c * 9);
        for (int i = 0; i < wt.length; i++) {
            wt[i] = (float) (wt[i] / 20);
        }
        int oh = 7, ow = 7;
        double[][] expected = reference(x, n, c, h, w, wt, o, s, oh, ow);
        float[] out = winograd(floats(x), n, c, h, w, storage(VECTOR, DType.FLOAT32, wt), o, s);
        for (float v : out) {
            assertTrue(Float.isFinite(v), "a direct sum of these values is finite");
        }
        double[] relative = new double[out.length];
        for (int i = 0; i < out.length; i++) {
            relative[i] = (out[i] - expected[0][i]) / expected[1][i];
        }
        assertClose("near-overflow values, relative to their scale", new double[out.length], new double[out.length],
                relative, 1e-5);
        assertEquals(oh * ow * o, out.length);
    }
}
