package dev.adjoint.cpu;

import static dev.adjoint.cpu.MatmulTestSupport.SCALAR;
import static dev.adjoint.cpu.MatmulTestSupport.VECTOR;
import static dev.adjoint.cpu.MatmulTestSupport.assertClose;
import static dev.adjoint.cpu.MatmulTestSupport.randomValues;
import static dev.adjoint.cpu.MatmulTestSupport.storage;
import static dev.adjoint.cpu.MatmulTestSupport.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.core.TensorException;
import dev.adjoint.op.Conv2dSpec;
import dev.adjoint.op.Pool2dSpec;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Convolution and pooling gradients of both backend flavours against direct float64 loops. */
class ConvolutionBackwardTest {

    /**
     * The gradients of {@code sum(dy * conv2d(x, w))} by their definition: every (output, tap) pair
     * adds {@code w * dy} to one input pixel and {@code x * dy} to one weight. Returns dx, |dx| terms,
     * dw, |dw| terms.
     */
    private static double[][] reference(double[] x, int[] xd, double[] w, int[] wd, double[] dy, Conv2dSpec s,
            int oh, int ow) {
        int n = xd[0], c = xd[1], h = xd[2], wi = xd[3];
        int o = wd[0], cg = wd[1], kh = wd[2], kw = wd[3];
        int og = o / s.groups();
        double[] dx = new double[x.length], dxScale = new double[x.length];
        double[] dw = new double[w.length], dwScale = new double[w.length];
        for (int b = 0; b < n; b++) {
            for (int oc = 0; oc < o; oc++) {
                int g = oc / og;
                for (int y = 0; y < oh; y++) {
                    for (int xo = 0; xo < ow; xo++) {
                        double grad = dy[((b * o + oc) * oh + y) * ow + xo];
                        for (int ic = 0; ic < cg; ic++) {
                            for (int i = 0; i < kh; i++) {
                                for (int j = 0; j < kw; j++) {
                                    int iy = y * s.strideH() - s.padTop() + i * s.dilationH();
                                    int ix = xo * s.strideW() - s.padLeft() + j * s.dilationW();
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= wi) {
                                        continue;
                                    }
                                    int xi = ((b * c + g * cg + ic) * h + iy) * wi + ix;
                                    int wj = ((oc * cg + ic) * kh + i) * kw + j;
                                    dx[xi] += w[wj] * grad;
                                    dxScale[xi] += Math.abs(w[wj] * grad);
                                    dw[wj] += x[xi] * grad;
                                    dwScale[wj] += Math.abs(x[xi] * grad);
                                }
                            }
                        }
                    }
                }
            }
        }
        return new double[][] {dx, dxScale, dw, dwScale};
    }

    private static void checkConv(SplittableRandom random, DType dtype, int[] xd, int[] wd, Conv2dSpec spec) {
        int oh = spec.outHeight(xd[2], wd[2]), ow = spec.outWidth(xd[3], wd[3]);
        Shape xShape = Shape.of(xd), wShape = Shape.of(wd), dyShape = Shape.of(xd[0], wd[0], oh, ow);
        double[] x = randomValues(random, dtype, (int) xShape.size());
        double[] w = randomValues(random, dtype, (int) wShape.size());
        double[] dy = randomValues(random, dtype, (int) dyShape.size());
        double[][] expected = reference(x, xd, w, wd, dy, spec, oh, ow);
        // Rounding grows with the number of terms summed into one element.
        double eps = dtype == DType.FLOAT32 ? 1.2e-7 : 2.3e-16;
        double dxTolerance = (wd[0] / spec.groups() * wd[2] * wd[3] + 2) * eps;
        double dwTolerance = ((long) xd[0] * oh * ow + 2) * eps;
        for (CpuBackend backend : new CpuBackend[] {SCALAR, VECTOR}) {
            String what = dtype + " x" + xShape + " w" + wShape + " " + spec + " on " + backend.name();
            CpuStorage dx = (CpuStorage) BackendCalls.conv2dBackwardInput(backend, storage(backend, dtype, dy), dyShape,
                    storage(backend, dtype, w), wShape, spec, xShape);
            assertEquals(dtype, dx.dtype());
            assertClose("dx of " + what, expected[0], expected[1], values(dx), dxTolerance);
            CpuStorage dw = (CpuStorage) BackendCalls.conv2dBackwardWeight(backend, storage(backend, dtype, x), xShape,
                    storage(backend, dtype, dy), dyShape, spec, wShape);
            assertEquals(dtype, dw.dtype());
            assertClose("dw of " + what, expected[2], expected[3], values(dw), dwTolerance);
        }
    }

    private static long work(int[] xd, int[] wd, Conv2dSpec spec) {
        return (long) xd[0] * wd[0] * spec.outHeight(xd[2], wd[2]) * spec.outWidth(xd[3], wd[3]) * wd[1] * wd[2] * wd[3];
    }

    @Test
    void randomGeometriesOnBothPaths() {
        SplittableRandom random = new SplittableRandom(31);
        int direct = 0, unfolded = 0;
        while (direct + unfolded < 160) {
            int groups = 1 + random.nextInt(3);
            int cg = 1 + random.nextInt(4), og = 1 + random.nextInt(5);
            int kh = 1 + random.nextInt(4), kw = 1 + random.nextInt(4);
            int h = 1 + random.nextInt(14), w = 1 + random.nextInt(14);
            Conv2dSpec spec = new Conv2dSpec(1 + random.nextInt(3), 1 + random.nextInt(3), random.nextInt(3),
                    random.nextInt(3), random.nextInt(3), random.nextInt(3), 1 + random.nextInt(2), 1 + random.nextInt(2),
                    groups);
            if (spec.outHeight(h, kh) < 1 || spec.outWidth(w, kw) < 1) {
                continue;
            }
            int[] xd = {1 + random.nextInt(4), groups * cg, h, w};
            int[] wd = {groups * og, cg, kh, kw};
            if (work(xd, wd, spec) < ConvolutionBackward.DIRECT_WORK) {
                direct++;
            } else {
                unfolded++;
            }
            checkConv(random, (direct + unfolded) % 3 == 0 ? DType.FLOAT64 : DType.FLOAT32, xd, wd, spec);
        }
        assertTrue(direct > 20 && unfolded > 20, "both paths covered: direct " + direct + ", unfolded " + unfolded);
    }

    @Test
    void pointwiseAndGroupedKernelsAboveTheDirectThreshold() {
        SplittableRandom random = new SplittableRandom(32);
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            // Pointwise: the GEMMs read and write the images directly, without im2col/col2im.
            checkConv(random, dtype, new int[] {3, 8, 17, 15}, new int[] {12, 4, 1, 1}, Conv2dSpec.of(1, 0, 1, 2));
            // Depthwise, strided, dilated, asymmetric padding.
            checkConv(random, dtype, new int[] {2, 6, 33, 17}, new int[] {6, 1, 3, 3},
                    new Conv2dSpec(2, 1, 0, 2, 1, 0, 2, 1, 6));
            checkConv(random, dtype, new int[] {1, 1, 1, 1}, new int[] {1, 1, 1, 1}, Conv2dSpec.of(1, 0));
            checkConv(random, dtype, new int[] {1, 3, 7, 7}, new int[] {5, 3, 7, 7}, Conv2dSpec.of(1, 3));
        }
    }

    @Test
    void largeShapesSplitOverCores() {
        SplittableRandom random = new SplittableRandom(33);
        // Many images: each core sums its own weight gradient, then the partial sums are added.
        checkConv(random, DType.FLOAT32, new int[] {16, 4, 20, 20}, new int[] {16, 4, 3, 3}, Conv2dSpec.of(1, 1));
        // One large image: the GEMMs themselves split over cores.
        checkConv(random, DType.FLOAT32, new int[] {1, 16, 32, 32}, new int[] {32, 16, 3, 3}, Conv2dSpec.of(1, 1));
    }

    @Test
    void emptyBatchGivesZeroWeightGradient() {
        SplittableRandom random = new SplittableRandom(34);
        checkConv(random, DType.FLOAT32, new int[] {0, 2, 5, 5}, new int[] {3, 2, 3, 3}, Conv2dSpec.of(1, 1));
        // Past the direct threshold per image, still no images.
        checkConv(random, DType.FLOAT64, new int[] {0, 16, 32, 32}, new int[] {32, 16, 3, 3}, Conv2dSpec.of(1, 1));
    }

    @Test
    void integerOperandsAreRejected() {
        Shape xShape = Shape.of(1, 1, 3, 3), wShape = Shape.of(1, 1, 2, 2), dyShape = Shape.of(1, 1, 2, 2);
        TensorException e = assertThrows(TensorException.class, () -> BackendCalls.conv2dBackwardInput(SCALAR, 
                storage(SCALAR, DType.INT32, new double[4]), dyShape, storage(SCALAR, DType.INT32, new double[4]),
                wShape, Conv2dSpec.of(1, 0), xShape));
        assertTrue(e.getMessage().contains("floating"), e.getMessage());
    }

    // ---- pooling ----

    /** Pooling gradient by definition: the first strict maximum of each clipped window, or an even share. */
    private static double[] poolReference(double[] x, int[] xd, double[] dy, Pool2dSpec s, int oh, int ow) {
        int h = xd[2], w = xd[3];
        double[] dx = new double[x.length];
        for (int plane = 0; plane < xd[0] * xd[1]; plane++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int best = -1, count = 0;
                    for (int i = 0; i < s.kernelH(); i++) {
                        for (int j = 0; j < s.kernelW(); j++) {
                            int iy = oy * s.strideH() - s.padH() + i, ix = ox * s.strideW() - s.padW() + j;
                            if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                int at = (plane * h + iy) * w + ix;
                                count++;
                                if (best < 0 || x[at] > x[best]) {
                                    best = at;
                                }
                            }
                        }
                    }
                    double g = dy[(plane * oh + oy) * ow + ox];
                    for (int i = 0; i < s.kernelH(); i++) {
                        for (int j = 0; j < s.kernelW(); j++) {
                            int iy = oy * s.strideH() - s.padH() + i, ix = ox * s.strideW() - s.padW() + j;
                            if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                int at = (plane * h + iy) * w + ix;
                                if (s.kind() == Pool2dSpec.Kind.AVG) {
                                    dx[at] += g / count;
                                } else if (at == best) {
                                    dx[at] += g;
                                }
                            }
                        }
                    }
                }
            }
        }
        return dx;
    }

    private static void checkPool(SplittableRandom random, DType dtype, int[] xd, Pool2dSpec spec, double[] x) {
        int oh = spec.outHeight(xd[2]), ow = spec.outWidth(xd[3]);
        Shape xShape = Shape.of(xd), dyShape = Shape.of(xd[0], xd[1], oh, ow);
        double[] dy = randomValues(random, dtype, (int) dyShape.size());
        double[] expected = poolReference(x, xd, dy, spec, oh, ow);
        // A pixel collects at most one term per window covering it.
        int windows = Math.ceilDiv(spec.kernelH(), spec.strideH()) * Math.ceilDiv(spec.kernelW(), spec.strideW());
        double tolerance = (windows + 2) * (dtype == DType.FLOAT32 ? 1.2e-7 : 2.3e-16);
        double[] scale = new double[expected.length];
        java.util.Arrays.fill(scale, 1);
        for (CpuBackend backend : new CpuBackend[] {SCALAR, VECTOR}) {
            CpuStorage dx = (CpuStorage) BackendCalls.pool2dBackward(backend, storage(backend, dtype, x), xShape,
                    storage(backend, dtype, dy), dyShape, spec);
            assertEquals(dtype, dx.dtype());
            assertClose(dtype + " " + spec + " x" + xShape + " on " + backend.name(), expected, scale, values(dx),
                    tolerance);
        }
    }

    @Test
    void poolRandomGeometries() {
        SplittableRandom random = new SplittableRandom(35);
        int done = 0;
        while (done < 200) {
            int kh = 1 + random.nextInt(4), kw = 1 + random.nextInt(4);
            Pool2dSpec spec = new Pool2dSpec(done % 2 == 0 ? Pool2dSpec.Kind.MAX : Pool2dSpec.Kind.AVG, kh, kw,
                    1 + random.nextInt(3), 1 + random.nextInt(3), random.nextInt(kh / 2 + 1), random.nextInt(kw / 2 + 1));
            int[] xd = {random.nextInt(3), 1 + random.nextInt(3), 1 + random.nextInt(17), 1 + random.nextInt(17)};
            if (spec.outHeight(xd[2]) < 1 || spec.outWidth(xd[3]) < 1) {
                continue;
            }
            DType dtype = done % 3 == 0 ? DType.FLOAT64 : DType.FLOAT32;
            checkPool(random, dtype, xd, spec, randomValues(random, dtype, (int) Shape.of(xd).size()));
            done++;
        }
    }

    @Test
    void maxPoolTiesGoToTheFirstMaximum() {
        // Every window is all ties: the gradient lands on each window's top-left pixel.
        int[] xd = {1, 1, 4, 4};
        Pool2dSpec spec = new Pool2dSpec(Pool2dSpec.Kind.MAX, 2, 2, 2, 2, 0, 0);
        checkPool(new SplittableRandom(36), DType.FLOAT64, xd, spec, new double[16]);
        CpuStorage dx = (CpuStorage) BackendCalls.pool2dBackward(SCALAR, storage(SCALAR, DType.FLOAT64, new double[16]),
                Shape.of(xd), storage(SCALAR, DType.FLOAT64, new double[] {1, 2, 3, 4}), Shape.of(1, 1, 2, 2), spec);
        assertArrayEquals(new double[] {1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4, 0, 0, 0, 0, 0}, values(dx));
    }

    @Test
    void maxPoolSendsTheGradientToANaN() {
        double[] x = {1, Double.NaN, 5, 2};
        CpuStorage dx = (CpuStorage) BackendCalls.pool2dBackward(VECTOR, storage(VECTOR, DType.FLOAT32, x), Shape.of(1, 1, 2, 2),
                storage(VECTOR, DType.FLOAT32, new double[] {1}), Shape.of(1, 1, 1, 1),
                new Pool2dSpec(Pool2dSpec.Kind.MAX, 2, 2, 2, 2, 0, 0));
        assertArrayEquals(new double[] {0, 1, 0, 0}, values(dx));
    }

    @Test
    void largePoolSplitsOverCores() {
        SplittableRandom random = new SplittableRandom(37);
        int[] xd = {8, 16, 32, 33};
        for (Pool2dSpec.Kind kind : Pool2dSpec.Kind.values()) {
            checkPool(random, DType.FLOAT32, xd, new Pool2dSpec(kind, 3, 3, 2, 2, 1, 1),
                    randomValues(random, DType.FLOAT32, (int) Shape.of(xd).size()));
        }
    }
}
