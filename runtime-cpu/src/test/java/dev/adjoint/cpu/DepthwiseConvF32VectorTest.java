package dev.adjoint.cpu;

import static dev.adjoint.cpu.MatmulTestSupport.randomFloats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.adjoint.op.Conv2dSpec;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link DepthwiseConvF32Vector} against a float64 loop that skips the taps outside the input (so it
 * shares no padding or layout logic with the kernel), over a sweep of geometries: strides 1 to 3,
 * symmetric and asymmetric padding, dilation, channel multipliers, widths on both sides of vector
 * multiples, batch 1 to 3, and inputs holding NaN and infinities. The 3x3 pad-1 layers of stride 1 and
 * 2 take the direct paths on planes away from the ends of x and the general one on the others, so
 * geometries with several planes check both.
 */
class DepthwiseConvF32VectorTest {

    private static double[] reference(float[] x, int batch, int channels, int h, int w, float[] weight, int outChannels,
            int kh, int kw, Conv2dSpec s, int oh, int ow, double[] scale) {
        int multiplier = outChannels / channels;
        double[] out = new double[batch * outChannels * oh * ow];
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < outChannels; o++) {
                int c = o / multiplier;
                for (int y = 0; y < oh; y++) {
                    for (int xo = 0; xo < ow; xo++) {
                        double sum = 0, abs = 0;
                        for (int i = 0; i < kh; i++) {
                            for (int j = 0; j < kw; j++) {
                                int iy = y * s.strideH() - s.padTop() + i * s.dilationH();
                                int ix = xo * s.strideW() - s.padLeft() + j * s.dilationW();
                                if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                                    continue;
                                }
                                double term = (double) x[((n * channels + c) * h + iy) * w + ix]
                                        * weight[(o * kh + i) * kw + j];
                                sum += term;
                                abs += Math.abs(term);
                            }
                        }
                        int at = ((n * outChannels + o) * oh + y) * ow + xo;
                        out[at] = sum;
                        scale[at] = abs;
                    }
                }
            }
        }
        return out;
    }

    /** Runs one geometry and returns how many outputs it checked. */
    private static int check(SplittableRandom random, int batch, int channels, int multiplier, int h, int w, int kh,
            int kw, Conv2dSpec spec, boolean specials) {
        int oh = spec.outHeight(h, kh), ow = spec.outWidth(w, kw);
        int outChannels = channels * multiplier;
        float[] x = randomFloats(random, batch * channels * h * w);
        float[] weight = randomFloats(random, outChannels * kh * kw);
        if (specials) {
            for (int k = 0; k < Math.max(1, x.length / 50); k++) {
                x[random.nextInt(x.length)] = switch (k % 3) {
                    case 0 -> Float.NaN;
                    case 1 -> Float.POSITIVE_INFINITY;
                    default -> Float.NEGATIVE_INFINITY;
                };
            }
        }
        float[] out = new float[batch * outChannels * oh * ow];
        // Fill with a value no output can take, so that an output the kernel never writes shows up.
        java.util.Arrays.fill(out, 12345.5f);
        DepthwiseConvF32Vector.conv(x, batch, channels, h, w, weight, outChannels, kh, kw, spec, oh, ow, null, out);
        double[] scale = new double[out.length];
        double[] expected = reference(x, batch, channels, h, w, weight, outChannels, kh, kw, spec, oh, ow, scale);
        String what = "batch " + batch + " channels " + channels + "x" + multiplier + " " + h + "x" + w + " kernel "
                + kh + "x" + kw + " " + spec;
        for (int i = 0; i < out.length; i++) {
            double e = expected[i];
            if (Double.isNaN(e) || Double.isInfinite(e)) {
                // Same IEEE outcome: NaN stays NaN, an infinity keeps its sign (or meets the other and is NaN).
                if (Double.isNaN(e) ? !Float.isNaN(out[i]) : out[i] != e) {
                    fail(what + ": output " + i + " is " + out[i] + ", expected " + e);
                }
                continue;
            }
            double tolerance = (kh * kw + 2) * 1.2e-7 * Math.max(1e-30, scale[i]) + 1e-30;
            if (!(Math.abs(out[i] - e) <= tolerance)) {
                fail(what + ": output " + i + " is " + out[i] + ", expected " + e + " (tolerance " + tolerance + ")");
            }
        }
        return out.length;
    }

    @Test
    void mobileNetGeometries() {
        SplittableRandom random = new SplittableRandom(61);
        int checked = 0;
        // MobileNet-v2's depthwise layers (3x3, pad 1, stride 1 and 2), fewer channels, batch 1 and 3.
        int[] sizes = {112, 56, 28, 14, 7};
        for (int size : sizes) {
            for (int stride = 1; stride <= 2; stride++) {
                for (int batch : new int[] {1, 3}) {
                    checked += check(random, batch, size >= 56 ? 3 : 7, 1, size, size, 3, 3, Conv2dSpec.of(stride, 1, 1,
                            size >= 56 ? 3 : 7), false);
                }
            }
        }
        assertTrue(checked > 100_000, "checked " + checked);
    }

    @Test
    void geometrySweep() {
        SplittableRandom random = new SplittableRandom(62);
        int done = 0;
        while (done < 400) {
            int channels = 2 + random.nextInt(4);
            int multiplier = 1 + random.nextInt(3);
            int kh = 1 + random.nextInt(5), kw = 1 + random.nextInt(5);
            // Widths on both sides of one and two 256- and 512-bit vectors, and of the 4-vector block.
            int h = 1 + random.nextInt(24), w = 1 + random.nextInt(70);
            Conv2dSpec spec = new Conv2dSpec(1 + random.nextInt(3), 1 + random.nextInt(3), random.nextInt(3),
                    random.nextInt(3), random.nextInt(3), random.nextInt(3), 1 + random.nextInt(2), 1 + random.nextInt(2),
                    channels);
            if (spec.outHeight(h, kh) < 1 || spec.outWidth(w, kw) < 1) {
                continue;
            }
            check(random, random.nextBoolean() ? 1 : 3, channels, multiplier, h, w, kh, kw, spec, done % 4 == 0);
            done++;
        }
        assertEquals(400, done);
    }

    @Test
    void everyWidthAroundTheVectorLength() {
        SplittableRandom random = new SplittableRandom(63);
        for (int w = 1; w <= 70; w++) {
            for (int stride = 1; stride <= 2; stride++) {
                // Pad 1, as MobileNet's layers: the planes away from the ends of x take the direct 3x3 paths.
                check(random, 1, 4, 1, 5, w, 3, 3, new Conv2dSpec(stride, stride, 1, 1, 1, 1, 1, 1, 4), false);
                check(random, 2, 4, 1, 3 + w % 4, w, 3, 3, new Conv2dSpec(stride, stride, 1, 1, 1, 1, 1, 1, 4), w % 5 == 0);
                // Planes of one or two rows: with stride 2, a single output row (an unpaired row of PairedRows).
                check(random, 2, 3, 1, 1 + w % 2, w, 3, 3, new Conv2dSpec(stride, stride, 1, 1, 1, 1, 1, 1, 3), false);
                // Asymmetric padding (ONNX SAME_UPPER with stride 2 pads only the end).
                check(random, 2, 2, 1, 6, w, 3, 3, new Conv2dSpec(stride, stride, 0, 1, 0, 1, 1, 1, 2), w % 7 == 0);
            }
        }
    }

    @Test
    void nanAndInfinityPropagate() {
        SplittableRandom random = new SplittableRandom(64);
        for (int stride = 1; stride <= 2; stride++) {
            check(random, 3, 4, 2, 19, 37, 3, 3, Conv2dSpec.of(stride, 1, 1, 4), true);
            // Planes of a few vectors (7x7, 4x4, 5x3): a NaN in a neighbouring plane must not reach this one's edges.
            check(random, 2, 9, 2, 7, 7, 3, 3, Conv2dSpec.of(stride, 1, 1, 9), true);
            check(random, 2, 9, 1, 4, 4, 3, 3, Conv2dSpec.of(stride, 1, 1, 9), true);
            check(random, 3, 6, 1, 5, 3, 3, 3, Conv2dSpec.of(stride, 1, 1, 6), true);
        }
    }

    @Test
    void edgePlanesIgnoreWhatTheReusedCopyHeldBefore() {
        SplittableRandom random = new SplittableRandom(66);
        for (int stride = 1; stride <= 2; stride++) {
            // A plane of NaN leaves NaN in the thread's copy past where the next, smaller plane is copied: the direct
            // kernels read that margin, and must drop it.
            float[] nan = new float[20 * 20];
            Arrays.fill(nan, Float.NaN);
            float[] nanOut = new float[20 * 20];
            DepthwiseConvF32Vector.conv(nan, 1, 1, 20, 20, randomFloats(random, 9), 1, 3, 3, Conv2dSpec.of(stride, 1,
                    1, 1), 20 / stride, 20 / stride, null, nanOut);
            check(random, 1, 1, 1, 14, 14, 3, 3, Conv2dSpec.of(stride, 1, 1, 1), false);
            check(random, 1, 2, 1, 17, 33, 3, 3, Conv2dSpec.of(stride, 1, 1, 2), false);
        }
    }

    @Test
    void twoThreadsWorthOfPlanesGiveTheSameResult() {
        // Enough work that Parallel splits the planes (when more than one thread is configured).
        SplittableRandom random = new SplittableRandom(65);
        check(random, 2, 48, 1, 30, 30, 3, 3, Conv2dSpec.of(1, 1, 1, 48), false);
        check(random, 1, 96, 1, 30, 30, 3, 3, Conv2dSpec.of(2, 1, 1, 96), false);
    }

    /**
     * The same image at each place of a batch gives the same bits as alone: x's first and last planes, whose taps
     * would load outside x, must be summed as every other plane is. (MobileNet's 7x7 planes took a general path for
     * those two and differed in the last bit from the same image's planes elsewhere in a batch.)
     */
    @Test
    void anImageGivesTheSameBitsAnywhereInTheBatch() {
        SplittableRandom random = new SplittableRandom(67);
        int[][] geometries = {{96, 7, 1}, {20, 5, 1}, {32, 14, 1}, {24, 28, 1}, {32, 14, 2}, {16, 28, 2}, {8, 9, 2},
            {4, 70, 2}};
        for (int[] geometry : geometries) {
            int channels = geometry[0], size = geometry[1], stride = geometry[2];
            int plane = size * size;
            int outSize = (size - 1) / stride + 1;
            int outImage = channels * outSize * outSize;
            Conv2dSpec spec = Conv2dSpec.of(stride, 1, 1, channels);
            float[] weight = randomFloats(random, channels * 9);
            float[] image = randomFloats(random, channels * plane);
            float[] alone = new float[outImage];
            DepthwiseConvF32Vector.conv(image, 1, channels, size, size, weight, channels, 3, 3, spec, outSize, outSize,
                    null, alone);
            for (int at = 0; at < 3; at++) {
                float[] batch = randomFloats(random, 3 * channels * plane);
                System.arraycopy(image, 0, batch, at * channels * plane, channels * plane);
                float[] out = new float[3 * outImage];
                DepthwiseConvF32Vector.conv(batch, 3, channels, size, size, weight, channels, 3, 3, spec, outSize,
                        outSize, null, out);
                float[] mine = Arrays.copyOfRange(out, at * outImage, (at + 1) * outImage);
                for (int i = 0; i < outImage; i++) {
                    if (Float.floatToIntBits(mine[i]) != Float.floatToIntBits(alone[i])) {
                        fail(channels + "x" + size + "x" + size + " stride " + stride + ", image " + at + " of 3: "
                                + "value " + i + " is " + mine[i] + ", alone " + alone[i]);
                    }
                }
            }
        }
    }
}
