package dev.adjoint.cpu;

import static dev.adjoint.cpu.MatmulTestSupport.SCALAR;
import static dev.adjoint.cpu.MatmulTestSupport.VECTOR;
import static dev.adjoint.cpu.MatmulTestSupport.assertClose;
import static dev.adjoint.cpu.MatmulTestSupport.randomValues;
import static dev.adjoint.cpu.MatmulTestSupport.storage;
import static dev.adjoint.cpu.MatmulTestSupport.values;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.op.Pool2dSpec;
import dev.adjoint.op.Pool2dSpec.Kind;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PoolTest {

    /** Direct float64 pooling; padded positions are skipped, integer averages truncate. */
    private static double[] reference(double[] x, int planes, int h, int w, Pool2dSpec s, int oh, int ow,
            boolean integer) {
        double[] out = new double[planes * oh * ow];
        for (int p = 0; p < planes; p++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double best = Double.NEGATIVE_INFINITY, sum = 0;
                    int count = 0;
                    for (int i = 0; i < s.kernelH(); i++) {
                        for (int j = 0; j < s.kernelW(); j++) {
                            int iy = oy * s.strideH() - s.padH() + i, ix = ox * s.strideW() - s.padW() + j;
                            if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                double v = x[(p * h + iy) * w + ix];
                                best = Math.max(best, v);
                                sum += v;
                                count++;
                            }
                        }
                    }
                    double avg = integer ? (double) ((long) sum / count) : sum / count;
                    out[(p * oh + oy) * ow + ox] = s.kind() == Kind.MAX ? best : avg;
                }
            }
        }
        return out;
    }

    private static void check(SplittableRandom random, DType dtype, int n, int c, int h, int w, Pool2dSpec spec) {
        int oh = spec.outHeight(h), ow = spec.outWidth(w);
        double[] x = randomValues(random, dtype, n * c * h * w);
        double[] expected = reference(x, n * c, h, w, spec, oh, ow, dtype.isInteger());
        double[] scale = new double[expected.length];
        Arrays.fill(scale, spec.kernelH() * spec.kernelW());
        double tolerance = dtype == DType.FLOAT32 ? 1.2e-7 : dtype == DType.FLOAT64 ? 2.3e-16 : 0;
        double[] fromScalar = null;
        for (CpuBackend backend : new CpuBackend[] {SCALAR, VECTOR}) {
            // A released array of garbage in the pool, which the result reuses: each output must be written.
            double[] garbage = new double[n * c * oh * ow];
            Arrays.fill(garbage, dtype.isFloating() ? Double.NaN : 12345);
            storage(backend, dtype, garbage).release();
            CpuStorage out = (CpuStorage) BackendCalls.pool2d(backend, storage(backend, dtype, x), Shape.of(n, c, h, w), spec,
                    Shape.of(n, c, oh, ow));
            assertEquals(dtype, out.dtype());
            double[] got = values(out);
            assertClose(dtype + " " + spec + " on " + Shape.of(n, c, h, w) + " " + backend.name(), expected, scale, got,
                    tolerance);
            if (fromScalar == null) {
                fromScalar = got;
            } else {
                // Both flavours sum in the same order, so they agree to the bit.
                assertArrayEquals(fromScalar, got, 0, "vector vs scalar " + spec);
            }
        }
    }

    @Test
    void randomGeometries() {
        SplittableRandom random = new SplittableRandom(31);
        for (int trial = 0; trial < 200; trial++) {
            int kh = 1 + random.nextInt(4), kw = 1 + random.nextInt(4);
            // Stride 1 or 2 three times in four: those are the vectorised paths.
            int sw = random.nextInt(4) == 0 ? 3 : 1 + random.nextInt(2);
            Pool2dSpec spec = new Pool2dSpec(random.nextBoolean() ? Kind.MAX : Kind.AVG, kh, kw, 1 + random.nextInt(3),
                    sw, random.nextInt(kh / 2 + 1), random.nextInt(kw / 2 + 1));
            int h = kh + random.nextInt(12), w = kw + random.nextInt(40);
            check(random, trial % 3 == 0 ? DType.FLOAT64 : DType.FLOAT32, 1 + random.nextInt(2), 1 + random.nextInt(3),
                    h, w, spec);
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64", "INT32", "INT64"})
    void everyDtype(DType dtype) {
        SplittableRandom random = new SplittableRandom(32);
        for (Kind kind : Kind.values()) {
            check(random, dtype, 2, 3, 9, 33, new Pool2dSpec(kind, 3, 3, 1, 1, 1, 1));
            check(random, dtype, 2, 3, 8, 17, new Pool2dSpec(kind, 2, 2, 2, 2, 0, 0));
            check(random, dtype, 1, 1, 1, 1, new Pool2dSpec(kind, 1, 1, 1, 1, 0, 0));
            check(random, dtype, 0, 3, 4, 4, new Pool2dSpec(kind, 2, 2, 2, 2, 0, 0));
        }
    }

    @Test
    void strideTwoOnWidthsThatHitTheVectorTail() {
        SplittableRandom random = new SplittableRandom(34);
        // Even and odd kernels (an odd one reads a column past its window), with and without padding.
        int[][] kernelsAndPads = {{2, 0}, {3, 0}, {3, 1}, {4, 1}, {5, 2}, {1, 0}};
        for (int w : new int[] {16, 17, 33, 40, 63, 113}) {
            for (int[] kp : kernelsAndPads) {
                for (Kind kind : Kind.values()) {
                    check(random, DType.FLOAT32, 1, 2, 7, w, new Pool2dSpec(kind, 2, kp[0], 2, 2, 0, kp[1]));
                }
            }
        }
    }

    /**
     * The vector stride-2 max pool takes the maximum down each window's columns before across them, an order the
     * scalar path does not use; a maximum must not depend on it, NaN, infinities and signed zeros included.
     */
    @Test
    void strideTwoMaxPoolAgreesWithScalarOnSpecialValues() {
        SplittableRandom random = new SplittableRandom(35);
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f};
        for (int w : new int[] {33, 56, 112, 113}) {
            for (int[] kp : new int[][] {{3, 1}, {2, 0}, {3, 0}, {5, 2}}) {
                Pool2dSpec spec = new Pool2dSpec(Kind.MAX, kp[0], kp[0], 2, 2, kp[1], kp[1]);
                int h = 9, planes = 3;
                double[] x = new double[planes * h * w];
                for (int i = 0; i < x.length; i++) {
                    // Mostly signed zeros, so that the windows' maxima are often a choice between -0 and +0.
                    x[i] = random.nextInt(8) == 0 ? random.nextGaussian() : specials[random.nextInt(specials.length)];
                }
                Shape shape = Shape.of(1, planes, h, w), outShape = Shape.of(1, planes, spec.outHeight(h),
                        spec.outWidth(w));
                double[] scalar = values((CpuStorage) BackendCalls.pool2d(SCALAR, storage(SCALAR, DType.FLOAT32, x),
                        shape, spec, outShape));
                double[] vector = values((CpuStorage) BackendCalls.pool2d(VECTOR, storage(VECTOR, DType.FLOAT32, x),
                        shape, spec, outShape));
                for (int i = 0; i < scalar.length; i++) {
                    assertEquals(Double.doubleToRawLongBits(scalar[i]), Double.doubleToRawLongBits(vector[i]),
                            "output " + i + " of " + spec + " on width " + w + ": scalar " + scalar[i] + ", vector "
                                    + vector[i]);
                }
            }
        }
    }

    @Test
    void manyPlanesSplitOverCores() {
        SplittableRandom random = new SplittableRandom(33);
        check(random, DType.FLOAT32, 32, 32, 28, 28, new Pool2dSpec(Kind.MAX, 2, 2, 2, 2, 0, 0));
        check(random, DType.FLOAT32, 16, 16, 30, 30, new Pool2dSpec(Kind.AVG, 3, 3, 1, 1, 1, 1));
    }
}
