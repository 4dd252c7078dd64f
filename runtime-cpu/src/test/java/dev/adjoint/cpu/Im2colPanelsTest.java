package dev.adjoint.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.op.Conv2dSpec;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link Im2colPanelsF32} writes the convolution's patches straight into GEMM panels. Every value it packs must be
 * the input pixel the patch definition names, or zero in the padding and past the last position, bit for bit (NaN
 * and infinities included), for any part of the panels and depth the GEMM asks for. The reference is the definition
 * itself, one value at a time, not {@link Im2col}.
 */
class Im2colPanelsTest {
    private static final int NR = GemmF32Vector.NR;

    /** Each: channels, h, w, kh, kw, strideH, strideW, padTop, padBottom, padLeft, padRight, dilationH, dilationW. */
    private static final int[][] GEOMETRIES = {
            {3, 224, 224, 7, 7, 2, 2, 3, 3, 3, 3, 1, 1},    // ResNet's stem
            {3, 224, 224, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1},    // MobileNet's stem
            {4, 56, 56, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1},      // ResNet's 3x3 stride 2 (fewer channels)
            {5, 56, 56, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1},      // its 1x1 stride-2 shortcut, read in place
            {2, 9, 20, 1, 3, 2, 2, 0, 0, 1, 1, 1, 1},       // 1x3, stride 2: odd rows never read, never split
            {2, 15, 21, 2, 3, 2, 2, 1, 0, 1, 1, 3, 1},      // row dilation 3 with stride 2: rows read by one tap
            {2, 13, 13, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1},      // odd size, output narrower than a vector
            {2, 14, 15, 3, 3, 2, 2, 0, 1, 0, 1, 1, 1},      // TensorFlow's "same": padding after only
            {3, 9, 40, 5, 5, 2, 2, 2, 1, 2, 0, 1, 1},       // asymmetric, wide rows
            {2, 11, 37, 3, 3, 2, 2, 1, 1, 1, 1, 2, 2},      // dilation 2
            {2, 12, 12, 4, 4, 1, 2, 1, 2, 3, 0, 1, 3},      // stride 1 down, 2 across, odd column dilation
            {1, 1, 1, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1},        // one pixel
            {2, 2, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1},        // all but one tap in the padding
            {2, 10, 70, 3, 3, 2, 2, 4, 4, 5, 5, 1, 1},      // padding wider than the kernel
            {3, 17, 17, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1},      // stride 1: the plain copies
            {3, 17, 19, 3, 3, 3, 3, 1, 1, 1, 1, 1, 1},      // stride 3: value by value
    };

    @Test
    void panelsHoldExactlyThePatchesForEveryGeometryAndSplit() {
        SplittableRandom random = new SplittableRandom(41);
        for (int[] g : GEOMETRIES) {
            int channels = g[0], h = g[1], w = g[2], kh = g[3], kw = g[4];
            Conv2dSpec spec = new Conv2dSpec(g[5], g[6], g[7], g[8], g[9], g[10], g[11], g[12], 1);
            int oh = (h + g[7] + g[8] - (kh - 1) * g[11] - 1) / g[5] + 1;
            int ow = (w + g[9] + g[10] - (kw - 1) * g[12] - 1) / g[6] + 1;
            int before = 1 + random.nextInt(9);
            float[] x = new float[before + channels * h * w + random.nextInt(3)];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) random.nextDouble(-3, 3);
            }
            int values = channels * h * w;
            x[before + values / 3] = -0f;
            x[before + values / 2] = Float.NEGATIVE_INFINITY;
            x[before + values - 1] = Float.POSITIVE_INFINITY;
            x[before] = Float.NaN;
            int depth = channels * kh * kw, positions = oh * ow, panels = Math.ceilDiv(positions, NR);
            String where = Arrays.toString(g);
            // The whole panels at once, and a part of the depth for a middle range of panels, as the GEMM asks.
            check(x, before, channels, h, w, kh, kw, spec, oh, ow, 0, depth, 0, panels, where);
            int p0 = random.nextInt(depth), kc = 1 + random.nextInt(depth - p0);
            int from = random.nextInt(panels), to = from + 1 + random.nextInt(panels - from);
            check(x, before, channels, h, w, kh, kw, spec, oh, ow, p0, kc, from, to, where);
        }
    }

    private static void check(float[] x, int xOff, int channels, int h, int w, int kh, int kw, Conv2dSpec spec,
            int oh, int ow, int p0, int kc, int panelFrom, int panelTo, String where) {
        int base = 3;
        float[] packed = new float[base + panelTo * kc * NR + 5];
        Arrays.fill(packed, Float.NaN);
        new Im2colPanelsF32(x, xOff, channels, h, w, kh, kw, spec, oh, ow)
                .pack(p0, kc, panelFrom, panelTo, packed, base);
        for (int panel = panelFrom; panel < panelTo; panel++) {
            for (int row = p0; row < p0 + kc; row++) {
                int p = row;
                for (int lane = 0; lane < NR; lane++) {
                    int q = panel * NR + lane;
                    float expected = q < oh * ow ? patch(x, xOff, h, w, kh, kw, spec, p, q / ow, q % ow) : 0f;
                    float actual = packed[base + panel * kc * NR + (p - p0) * NR + lane];
                    assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual),
                            () -> where + ": depth " + p + ", position " + q + " (panels " + panelFrom + ".." + panelTo
                                    + ", depth from " + p0 + ")");
                }
            }
        }
    }

    /** Patch row {@code p} (tap {@code (c, i, j)}) at output {@code (y, xo)}: the input pixel it reads, or zero. */
    private static float patch(float[] x, int xOff, int h, int w, int kh, int kw, Conv2dSpec spec, int p, int y,
            int xo) {
        int c = p / (kh * kw), i = p / kw % kh, j = p % kw;
        int iy = y * spec.strideH() - spec.padTop() + i * spec.dilationH();
        int ix = xo * spec.strideW() - spec.padLeft() + j * spec.dilationW();
        return iy < 0 || iy >= h || ix < 0 || ix >= w ? 0f : x[xOff + (c * h + iy) * w + ix];
    }
}
