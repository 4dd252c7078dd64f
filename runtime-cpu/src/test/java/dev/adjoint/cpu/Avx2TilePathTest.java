package dev.adjoint.cpu;

import static dev.adjoint.cpu.MatmulTestSupport.randomFloats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.op.Conv2dSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The kernels pick their register tile from the vector width ({@link GemmF32Vector#MR}): 8 rows on
 * AVX-512, 6 on AVX2. The tests in this JVM run the host's path; this one starts a JVM limited to
 * 256-bit vectors and AVX2 ({@code -XX:UseAVX=2}), so an AVX-512 host checks the AVX2 path too, and
 * compares the GEMM (plain and pre-packed), the depthwise kernel and the polyphase stem kernel there with float64
 * loops.
 */
class Avx2TilePathTest {

    /** Run in the child JVM: prints the tile and the largest relative error of each kernel. */
    public static void main(String[] args) {
        SplittableRandom random = new SplittableRandom(41);
        double worst = 0;
        int epilogueMismatches = 0;
        // 8 to 64 rows of A with a row-major B read in place (64: a B of at most 128 K values, that stays in L2). Rows
        // past the last whole 6-row tile: 1 (37, a row at a time), 2 (128, 8), 3, 4 (64, 10: the 4-row tile) and 5 (11).
        int[][] shapes = {{37, 45, 300}, {128, 97, 513}, {8, 200, 100}, {3, 1000, 20}, {24, 300, 290}, {24, 57, 290},
            {64, 196, 384}, {10, 64, 33}, {11, 50, 70}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            float[] a = randomFloats(random, m * k), b = randomFloats(random, k * n), c = new float[m * n], c2 = new float[m * n];
            GemmF32Vector.gemm(m, n, k, a, 0, k, 1, b, 0, n, 1, c, 0, n, true);
            GemmF32Vector.Packed pb = GemmF32Vector.pack(false, n, k, b, 0, n, 1);
            GemmF32Vector.Packed pa = GemmF32Vector.pack(true, m, k, a, 0, k, 1);
            GemmF32Vector.gemm(m, n, k, a, 0, k, 1, pa, b, 0, n, 1, pb, c2, 0, n, true);
            // The same product with a bias and clamp applied in the tiles: exactly the separate pass's values.
            float[] bias = randomFloats(random, m), c3 = new float[m * n];
            GemmF32Vector.gemm(m, n, k, a, 0, k, 1, pa, b, 0, n, 1, pb,
                    new GemmF32Vector.Epilogue(bias, 0, null, -0.1f, 0.3f), c3, 0, n, true);
            for (int i = 0; i < m * n; i++) {
                epilogueMismatches += c3[i] == Math.min(Math.max(c2[i] + bias[i / n], -0.1f), 0.3f) ? 0 : 1;
            }
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0, abs = 0;
                    for (int p = 0; p < k; p++) {
                        sum += (double) a[i * k + p] * b[p * n + j];
                        abs += Math.abs((double) a[i * k + p] * b[p * n + j]);
                    }
                    worst = Math.max(worst, Math.abs(c[i * n + j] - sum) / Math.max(1, abs));
                    worst = Math.max(worst, Math.abs(c2[i * n + j] - sum) / Math.max(1, abs));
                }
            }
        }
        System.out.println("GEMM MR=" + GemmF32Vector.MR + " NR=" + GemmF32Vector.NR + " ERROR " + worst);
        System.out.println("EPILOGUE MISMATCHES " + epilogueMismatches);

        worst = 0;
        int channels = 5, h = 23, w = 37, kh = 3, kw = 3;
        for (int stride = 1; stride <= 2; stride++) {
            Conv2dSpec spec = Conv2dSpec.of(stride, 1, 1, channels);
            int oh = spec.outHeight(h, kh), ow = spec.outWidth(w, kw);
            float[] x = randomFloats(random, 2 * channels * h * w), weight = randomFloats(random, channels * kh * kw);
            float[] out = new float[2 * channels * oh * ow];
            DepthwiseConvF32Vector.conv(x, 2, channels, h, w, weight, channels, kh, kw, spec, oh, ow, null, out);
            for (int plane = 0; plane < 2 * channels; plane++) {
                int ch = plane % channels;
                for (int y = 0; y < oh; y++) {
                    for (int xo = 0; xo < ow; xo++) {
                        double sum = 0;
                        for (int i = 0; i < kh; i++) {
                            for (int j = 0; j < kw; j++) {
                                int iy = y * stride - 1 + i, ix = xo * stride - 1 + j;
                                if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                    sum += (double) x[(plane * h + iy) * w + ix] * weight[(ch * kh + i) * kw + j];
                                }
                            }
                        }
                        worst = Math.max(worst, Math.abs(out[(plane * oh + y) * ow + xo] - sum) / 9);
                    }
                }
            }
        }
        System.out.println("DEPTHWISE ERROR " + worst);

        // A stem through the polyphase kernel (6-row tiles of runs): 3 -> 10 channels, 3x3 stride 2, batch 2; then
        // with a bias and clamp, which must equal the plain result's scalar epilogue exactly.
        worst = 0;
        int stemOut = 10, sh = 25, sw = 31;
        Conv2dSpec stem = Conv2dSpec.of(2, 1);
        int oh = stem.outHeight(sh, 3), ow = stem.outWidth(sw, 3);
        float[] x = randomFloats(random, 2 * 3 * sh * sw), filters = randomFloats(random, stemOut * 27);
        CpuStorage filterStorage = new CpuStorage(new CpuBackend(true), dev.adjoint.core.DType.FLOAT32, filters,
                filters.length);
        float[] out = new float[2 * stemOut * oh * ow], clamped = new float[out.length], bias = randomFloats(random,
                stemOut);
        PolyphaseConvF32Vector.conv(x, 2, 3, sh, sw, filterStorage, stemOut, 3, 3, stem, oh, ow, null, out);
        PolyphaseConvF32Vector.conv(x, 2, 3, sh, sw, filterStorage, stemOut, 3, 3, stem, oh, ow,
                new GemmF32Vector.Epilogue(bias, 0, null, -0.1f, 0.3f), clamped);
        int stemMismatches = 0;
        for (int plane = 0; plane < 2 * stemOut; plane++) {
            int n = plane / stemOut, o = plane % stemOut;
            for (int y = 0; y < oh; y++) {
                for (int xo = 0; xo < ow; xo++) {
                    double sum = 0;
                    for (int c = 0; c < 3; c++) {
                        for (int i = 0; i < 3; i++) {
                            for (int j = 0; j < 3; j++) {
                                int iy = 2 * y - 1 + i, ix = 2 * xo - 1 + j;
                                if (iy >= 0 && iy < sh && ix >= 0 && ix < sw) {
                                    sum += (double) x[((n * 3 + c) * sh + iy) * sw + ix]
                                            * filters[(o * 3 + c) * 9 + i * 3 + j];
                                }
                            }
                        }
                    }
                    int at = (plane * oh + y) * ow + xo;
                    worst = Math.max(worst, Math.abs(out[at] - sum) / 27);
                    stemMismatches += clamped[at] == Math.min(Math.max(out[at] + bias[o], -0.1f), 0.3f) ? 0 : 1;
                }
            }
        }
        System.out.println("STEM ERROR " + worst);
        System.out.println("STEM EPILOGUE MISMATCHES " + stemMismatches);
    }

    @Test
    void theAvx2TileComputesTheSameProducts() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(List.of(java, "--add-modules=jdk.incubator.vector", "-XX:UseAVX=2",
                "-XX:MaxVectorSize=32", "-Dadjoint.cpu.threads=2", "-cp", System.getProperty("java.class.path"),
                Avx2TilePathTest.class.getName()))
                .redirectErrorStream(true)
                .start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "child JVM timed out");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        String gemm = out.lines().filter(l -> l.startsWith("GEMM ")).findFirst().orElseThrow(() -> new AssertionError(out));
        assertTrue(gemm.startsWith("GEMM MR=6 NR=16 "), "256-bit vectors give the 6 x 2 tile: " + gemm);
        assertTrue(Double.parseDouble(gemm.substring(gemm.indexOf("ERROR ") + 6)) < 1e-6, gemm);
        assertTrue(out.contains("EPILOGUE MISMATCHES 0\n"), out);
        String depthwise = out.lines().filter(l -> l.startsWith("DEPTHWISE ")).findFirst()
                .orElseThrow(() -> new AssertionError(out));
        assertTrue(Double.parseDouble(depthwise.substring(depthwise.indexOf("ERROR ") + 6)) < 1e-6, depthwise);
        String stem = out.lines().filter(l -> l.startsWith("STEM ERROR ")).findFirst()
                .orElseThrow(() -> new AssertionError(out));
        assertTrue(Double.parseDouble(stem.substring(stem.indexOf("ERROR ") + 6)) < 1e-6, stem);
        assertTrue(out.contains("STEM EPILOGUE MISMATCHES 0\n"), out);
    }
}
