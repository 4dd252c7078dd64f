package dev.adjoint.cpu;

import static dev.adjoint.cpu.MatmulTestSupport.SCALAR;
import static dev.adjoint.cpu.MatmulTestSupport.VECTOR;
import static dev.adjoint.cpu.MatmulTestSupport.assertClose;
import static dev.adjoint.cpu.MatmulTestSupport.randomValues;
import static dev.adjoint.cpu.MatmulTestSupport.storage;
import static dev.adjoint.cpu.MatmulTestSupport.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.op.Conv2dSpec;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ConvolutionTest {

    /** Direct float64 cross-correlation, as torch.nn.functional.conv2d defines it; also returns sum |x*w|. */
    private static double[][] reference(double[] x, int[] xd, double[] w, int[] wd, Conv2dSpec s, int oh, int ow) {
        int n = xd[0], c = xd[1], h = xd[2], wi = xd[3];
        int o = wd[0], cg = wd[1], kh = wd[2], kw = wd[3];
        int og = o / s.groups();
        double[] out = new double[n * o * oh * ow];
        double[] scale = new double[out.length];
        for (int b = 0; b < n; b++) {
            for (int oc = 0; oc < o; oc++) {
                int g = oc / og;
                for (int y = 0; y < oh; y++) {
                    for (int xo = 0; xo < ow; xo++) {
                        double sum = 0, abs = 0;
                        for (int ic = 0; ic < cg; ic++) {
                            for (int i = 0; i < kh; i++) {
                                for (int j = 0; j < kw; j++) {
                                    int iy = y * s.strideH() - s.padTop() + i * s.dilationH();
                                    int ix = xo * s.strideW() - s.padLeft() + j * s.dilationW();
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= wi) {
                                        continue;
                                    }
                                    double term = x[((b * c + g * cg + ic) * h + iy) * wi + ix]
                                            * w[((oc * cg + ic) * kh + i) * kw + j];
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

    private static void check(SplittableRandom random, DType dtype, int[] xd, int[] wd, Conv2dSpec spec) {
        int oh = spec.outHeight(xd[2], wd[2]), ow = spec.outWidth(xd[3], wd[3]);
        double[] x = randomValues(random, dtype, (int) Shape.of(xd).size());
        double[] w = randomValues(random, dtype, (int) Shape.of(wd).size());
        double[][] expected = reference(x, xd, w, wd, spec, oh, ow);
        Shape outShape = Shape.of(xd[0], wd[0], oh, ow);
        int taps = wd[1] * wd[2] * wd[3];
        double tolerance = switch (dtype) {
            case FLOAT32 -> (taps + 2) * 1.2e-7;
            case FLOAT64 -> (taps + 2) * 2.3e-16;
            default -> 0;
        };
        for (CpuBackend backend : new CpuBackend[] {SCALAR, VECTOR}) {
            poisonThePool(backend, dtype, (int) outShape.size());
            CpuStorage out = (CpuStorage) BackendCalls.conv2d(backend, storage(backend, dtype, x), Shape.of(xd),
                    storage(backend, dtype, w), Shape.of(wd), spec, outShape);
            assertEquals(dtype, out.dtype());
            assertClose(dtype + " conv2d x" + Shape.of(xd) + " w" + Shape.of(wd) + " " + spec + " on " + backend.name(),
                    expected[0], expected[1], values(out), tolerance);
        }
    }

    /**
     * Leaves a released array of the result's size full of garbage in the buffer pool, which the
     * convolution's result then reuses: every kernel must write each element of its output, not add
     * onto it.
     */
    private static void poisonThePool(CpuBackend backend, DType dtype, int size) {
        double[] garbage = new double[size];
        java.util.Arrays.fill(garbage, dtype.isFloating() ? Double.NaN : 12345);
        storage(backend, dtype, garbage).release();
    }

    @Test
    void randomGeometries() {
        SplittableRandom random = new SplittableRandom(21);
        int done = 0;
        while (done < 150) {
            int groups = 1 + random.nextInt(3);
            int cg = 1 + random.nextInt(3), og = 1 + random.nextInt(4);
            int kh = 1 + random.nextInt(4), kw = 1 + random.nextInt(4);
            int h = 1 + random.nextInt(12), w = 1 + random.nextInt(12);
            Conv2dSpec spec = new Conv2dSpec(1 + random.nextInt(3), 1 + random.nextInt(3), random.nextInt(3),
                    random.nextInt(3), random.nextInt(3), random.nextInt(3), 1 + random.nextInt(2), 1 + random.nextInt(2),
                    groups);
            if (spec.outHeight(h, kh) < 1 || spec.outWidth(w, kw) < 1) {
                continue;
            }
            DType dtype = done % 4 == 0 ? DType.FLOAT64 : DType.FLOAT32;
            check(random, dtype, new int[] {1 + random.nextInt(3), groups * cg, h, w}, new int[] {groups * og, cg, kh, kw},
                    spec);
            done++;
        }
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64", "INT32", "INT64"})
    void everyDtype(DType dtype) {
        SplittableRandom random = new SplittableRandom(22);
        check(random, dtype, new int[] {2, 4, 9, 7}, new int[] {6, 2, 3, 2}, new Conv2dSpec(2, 1, 1, 0, 2, 1, 1, 2, 2));
        // Pointwise: multiplies the input directly, without an unfold.
        check(random, dtype, new int[] {3, 6, 5, 5}, new int[] {4, 3, 1, 1}, new Conv2dSpec(1, 1, 0, 0, 0, 0, 1, 1, 2));
        check(random, dtype, new int[] {1, 1, 1, 1}, new int[] {1, 1, 1, 1}, new Conv2dSpec(1, 1, 0, 0, 0, 0, 1, 1, 1));
    }

    @Test
    void emptyBatchGivesAnEmptyResult() {
        check(new SplittableRandom(23), DType.FLOAT32, new int[] {0, 2, 5, 5}, new int[] {3, 2, 3, 3},
                new Conv2dSpec(1, 1, 1, 1, 1, 1, 1, 1, 1));
    }

    @Test
    void benchmarkShapeSplitsOverCores() {
        SplittableRandom random = new SplittableRandom(24);
        // MNIST-like first layer: batch 32, 1 -> 32 channels, 28x28, 3x3 "same" padding.
        check(random, DType.FLOAT32, new int[] {32, 1, 28, 28}, new int[] {32, 1, 3, 3},
                new Conv2dSpec(1, 1, 1, 1, 1, 1, 1, 1, 1));
        // A single large image: the GEMM itself splits over cores.
        check(random, DType.FLOAT32, new int[] {1, 16, 40, 40}, new int[] {48, 16, 3, 3},
                new Conv2dSpec(1, 1, 1, 1, 1, 1, 1, 1, 1));
        // More output channels than one row block (96) on a small image, like ResNet's late 3x3 layers:
        // with two or more threads the patches are packed once and shared by the row groups.
        check(random, DType.FLOAT32, new int[] {1, 32, 9, 9}, new int[] {192, 32, 3, 3}, Conv2dSpec.of(1, 1));
        check(random, DType.FLOAT32, new int[] {1, 64, 7, 7}, new int[] {112, 64, 3, 3}, Conv2dSpec.of(1, 1));
        check(random, DType.FLOAT32, new int[] {1, 24, 15, 13}, new int[] {130, 24, 3, 3},
                new Conv2dSpec(1, 2, 1, 0, 2, 1, 1, 2, 1));
        // A 1x1 stride-2 shortcut: one depth block, so the shared patches are split over column ranges.
        check(random, DType.FLOAT32, new int[] {1, 32, 40, 40}, new int[] {128, 32, 1, 1}, Conv2dSpec.of(2, 0));
    }

    @Test
    void depthwiseGeometries() {
        // groups == in channels: the direct depthwise kernel on the Vector API path, im2col on the scalar one.
        SplittableRandom random = new SplittableRandom(25);
        int done = 0;
        while (done < 120) {
            int channels = 1 + random.nextInt(6);
            int groups = channels == 1 ? 2 : channels;
            channels = groups;
            int multiplier = 1 + random.nextInt(2);
            int kh = 1 + random.nextInt(5), kw = 1 + random.nextInt(5);
            // Widths past one and two 512-bit vectors, so that full vectors and masked tails both run.
            int h = 1 + random.nextInt(20), w = 1 + random.nextInt(40);
            Conv2dSpec spec = new Conv2dSpec(1 + random.nextInt(3), 1 + random.nextInt(3), random.nextInt(3),
                    random.nextInt(3), random.nextInt(3), random.nextInt(3), 1 + random.nextInt(2), 1 + random.nextInt(2),
                    groups);
            if (spec.outHeight(h, kh) < 1 || spec.outWidth(w, kw) < 1) {
                continue;
            }
            DType dtype = done % 5 == 0 ? DType.FLOAT64 : DType.FLOAT32;
            check(random, dtype, new int[] {1 + random.nextInt(3), channels, h, w},
                    new int[] {channels * multiplier, 1, kh, kw}, spec);
            done++;
        }
    }

    @Test
    void fewPositionsThatLeaveAWideLastPanelRunAsTheTransposedProduct() {
        // A last panel of more than a vector and a column costs a whole tile. Where the positions fill whole row tiles
        // (56 = 32 + 24 = 7 x 8 on AVX-512), the product runs as positions x channels and is transposed back; AVX2's
        // 6-row tiles have no such count below nine tenths of two panels (30 = 16 + 14 = 5 x 6 saves 2 of 32 columns),
        // so there it runs directly.
        int nr = GemmF32Vector.NR, mr = GemmF32Vector.MR;
        int wide = Math.ceilDiv(nr * 3 / 2 + 2, mr) * mr;
        if (wide * 10 <= 2 * nr * 9) {
            assertTrue(Convolution.transposedIsCheaper(128, wide, 576), "a wide part-filled last panel takes the transposed path");
        } else {
            assertFalse(Convolution.transposedIsCheaper(128, wide, 576), "a transposed product that saves too little");
        }
        // 7x7 (49 = 32 + 17, or 3 x 16 + 1): the last columns are a narrow tile, three quarters of a tile's work, so
        // a deep layer runs transposed (as measured: ResNet's 512-channel 3x3, MobileNet's 960 -> 320), while a
        // shallow one would spend more on moving the product back (MobileNet's 160 -> 960 expansion).
        assertTrue(Convolution.transposedIsCheaper(512, 49, 4608) && Convolution.transposedIsCheaper(320, 49, 960),
                "a deep 7x7 layer runs transposed");
        assertFalse(Convolution.transposedIsCheaper(960, 49, 160), "a shallow 7x7 expansion runs directly");
        // 14x14 (196 = 6 x 32 + 4, or 12 x 16 + 4): a thin or narrow last tile.
        assertFalse(Convolution.transposedIsCheaper(64, 3136, 576), "a 56x56 layer fills its column panels");
        assertFalse(Convolution.transposedIsCheaper(96, 196, 576) || Convolution.transposedIsCheaper(256, 196, 1152),
                "a 14x14 layer's narrow last panel is cheaper than moving the product back");
        SplittableRandom random = new SplittableRandom(27);
        check(random, DType.FLOAT32, new int[] {1, 64, 10, 20}, new int[] {128, 64, 3, 3}, Conv2dSpec.of(2, 1));
        check(random, DType.FLOAT32, new int[] {2, 576, 2, wide / 2}, new int[] {128, 576, 1, 1}, Conv2dSpec.of(1, 0));
        check(random, DType.FLOAT32, new int[] {2, 960, 7, 7}, new int[] {160, 960, 1, 1}, Conv2dSpec.of(1, 0));
        check(random, DType.FLOAT32, new int[] {1, 64, 14, 14}, new int[] {128, 64, 3, 3}, Conv2dSpec.of(2, 1));
        check(random, DType.FLOAT32, new int[] {1, 128, 28, 28}, new int[] {256, 128, 3, 3}, Conv2dSpec.of(2, 1));
    }

    /**
     * The transposed product of a "same" 3x3 layer unfolds its patches by shifting whole planes under tap masks
     * ({@code Im2colPanelsF32.unfoldSame3x3}): it must write exactly what {@link Im2col#unfold} writes, NaN and
     * infinities included, for planes narrower and wider than a vector, single rows and columns, and an input that
     * starts inside a larger array with other values around it, and whole layers that take it must match float64.
     */
    @Test
    void sameThreeByThreePatchesFromShiftedPlanesEqualTheUnfold() {
        SplittableRandom random = new SplittableRandom(29);
        Conv2dSpec same = Conv2dSpec.of(1, 1);
        assertTrue(Im2colPanelsF32.unfoldsSame3x3(3, 3, same));
        assertFalse(Im2colPanelsF32.unfoldsSame3x3(3, 3, Conv2dSpec.of(2, 1)));
        assertFalse(Im2colPanelsF32.unfoldsSame3x3(3, 3, new Conv2dSpec(1, 1, 1, 1, 1, 1, 2, 2, 1)));
        assertFalse(Im2colPanelsF32.unfoldsSame3x3(5, 5, Conv2dSpec.of(1, 2)));
        int[][] planes = {{7, 7}, {1, 1}, {1, 9}, {9, 1}, {2, 3}, {5, 7}, {3, 17}, {14, 14}, {4, 4}, {6, 11}};
        for (int[] hw : planes) {
            int h = hw[0], w = hw[1];
            // 300 channels of a 7x7 plane split over the kernel threads, whose ranges end next to each other.
            for (int channels : h == 7 ? new int[] {1, 3, 40, 300} : new int[] {1, 3, 40}) {
                int values = channels * h * w, before = 1 + random.nextInt(20), after = random.nextInt(3);
                float[] x = new float[before + values + after];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) random.nextDouble(-2, 2);
                }
                x[before] = Float.NaN;
                x[before + values - 1] = Float.POSITIVE_INFINITY;
                x[before + values / 2] = Float.NEGATIVE_INFINITY;
                int rows = channels * 9 * h * w;
                float[] expected = new float[rows], actual = new float[rows];
                java.util.Arrays.fill(actual, Float.NaN);
                Im2col.unfold(x, before, channels, h, w, 3, 3, same, h, w, expected);
                Im2colPanelsF32.unfoldSame3x3(x, before, channels, h, w, actual);
                for (int i = 0; i < rows; i++) {
                    assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]),
                            "patch value " + i + " (row " + i / (h * w) + ") of " + channels + " x " + h + "x" + w);
                }
            }
        }
        // Whole layers: ResNet's 512-channel 7x7 layer runs as the transposed product on every vector width; the
        // narrower ones do where their tiles make it cheaper (AVX-512 here), directly otherwise.
        assertTrue(Convolution.transposedIsCheaper(512, 49, 4608), "ResNet's 7x7 layer runs as the transposed product");
        check(random, DType.FLOAT32, new int[] {1, 512, 7, 7}, new int[] {512, 512, 3, 3}, same);
        check(random, DType.FLOAT32, new int[] {1, 64, 7, 7}, new int[] {128, 64, 3, 3}, same);
        check(random, DType.FLOAT32, new int[] {2, 128, 7, 7}, new int[] {256, 128, 3, 3}, same);
        check(random, DType.FLOAT32, new int[] {1, 128, 5, 9}, new int[] {192, 128, 3, 3}, same);
    }

    @Test
    void pointwiseLayersPackABatchThatHasLeftTheCaches() {
        // Few output channels: one image is read in place by the tiles, a batch past COLD_INPUT_VALUES is packed.
        long image = 32L * 155 * 150;
        assertFalse(Convolution.packsColdInput(1, image, 16), "one image is read in place");
        assertTrue(Convolution.packsColdInput(3, image, 16) && Convolution.packsColdInput(3, image, 24),
                "three images pass the cold-input size");
        assertFalse(Convolution.packsColdInput(3, image, 64), "many output channels pack B anyway");
        SplittableRandom random = new SplittableRandom(29);
        check(random, DType.FLOAT32, new int[] {3, 32, 155, 150}, new int[] {16, 32, 1, 1}, Conv2dSpec.of(1, 0));
        // An odd width leaves a part-filled last panel; two groups start their input mid-image.
        check(random, DType.FLOAT32, new int[] {3, 32, 155, 151}, new int[] {24, 32, 1, 1}, Conv2dSpec.of(1, 0));
        check(random, DType.FLOAT32, new int[] {3, 32, 155, 151}, new int[] {16, 16, 1, 1}, Conv2dSpec.of(1, 0, 1, 2));
    }

    @Test
    void strideTwoPatchesComeFromDeinterleavedRows() {
        // Stride 2 with several kernel columns copies each tap's run from padded rows split into even and odd columns:
        // widths odd and even, past two vectors (the split's vector loop and its tail), padding and dilation
        // (Im2colPanelsTest checks every packed value). Then ResNet's stride-2 layers at 56x56, whole.
        SplittableRandom random = new SplittableRandom(28);
        check(random, DType.FLOAT32, new int[] {1, 64, 56, 56}, new int[] {128, 64, 3, 3}, Conv2dSpec.of(2, 1));
        check(random, DType.FLOAT32, new int[] {1, 64, 56, 56}, new int[] {128, 64, 1, 1}, Conv2dSpec.of(2, 0));
        for (int w : new int[] {2 * GemmF32Vector.NR + 3, 2 * GemmF32Vector.NR + 8, 75}) {
            check(random, DType.FLOAT32, new int[] {1, 3, 9, w}, new int[] {32, 3, 3, 3}, Conv2dSpec.of(2, 1));
            check(random, DType.FLOAT32, new int[] {2, 4, 8, w}, new int[] {24, 4, 3, 2},
                    new Conv2dSpec(2, 2, 0, 2, 1, 0, 1, 2, 1));
            check(random, DType.FLOAT32, new int[] {1, 2, 11, w}, new int[] {16, 2, 7, 7}, Conv2dSpec.of(2, 3));
        }
    }

    @Test
    void fewInputChannelsReadTheirTapsFromPolyphasePlanes() {
        // Stems: MobileNet's 3x3 stride 2 and ResNet's 7x7 stride 2, on odd sizes (a row's last tile spills into the
        // next row's positions, an image's into the slack past its planes).
        assertTrue(PolyphaseConvF32Vector.applies(3, 1, 32, 3, 3, Conv2dSpec.of(2, 1), 112, 112));
        assertTrue(PolyphaseConvF32Vector.applies(3, 1, 64, 7, 7, Conv2dSpec.of(2, 3), 112, 112));
        assertTrue(PolyphaseConvF32Vector.applies(4, 1, 10, 12, 12, Conv2dSpec.of(2, 5), 13, 15));
        // Not taken: grouped, dilated, deeper inputs, fewer output channels than a tile, a depth past one block.
        assertFalse(PolyphaseConvF32Vector.applies(4, 2, 32, 3, 3, Conv2dSpec.of(2, 1, 1, 2), 56, 56));
        assertFalse(PolyphaseConvF32Vector.applies(3, 1, 32, 3, 3, new Conv2dSpec(1, 1, 1, 1, 1, 1, 2, 2, 1), 56, 56));
        assertFalse(PolyphaseConvF32Vector.applies(PolyphaseConvF32Vector.MAX_CHANNELS + 1, 1, 32, 3, 3,
                Conv2dSpec.of(1, 1), 56, 56));
        assertFalse(PolyphaseConvF32Vector.applies(3, 1, GemmF32Vector.MR - 1, 3, 3, Conv2dSpec.of(1, 1), 56, 56));
        assertFalse(PolyphaseConvF32Vector.applies(4, 1, 32, 13, 13, Conv2dSpec.of(1, 6), 56, 56));
        assertTrue(GemmF32Vector.KC < 4 * 13 * 13);
        SplittableRandom random = new SplittableRandom(29);
        check(random, DType.FLOAT32, new int[] {1, 3, 37, 41}, new int[] {32, 3, 3, 3}, Conv2dSpec.of(2, 1));
        check(random, DType.FLOAT32, new int[] {2, 3, 45, 47}, new int[] {64, 3, 7, 7}, Conv2dSpec.of(2, 3));
        // Output channels that leave a part-filled panel, stride 1, a single channel, four channels of depth 256 and
        // at the most depth one block holds (4 x 12 x 12 = 576 of KC's 640), asymmetric padding and strides, rows
        // narrower than a vector.
        check(random, DType.FLOAT32, new int[] {3, 3, 20, 23}, new int[] {13, 3, 3, 3}, Conv2dSpec.of(1, 1));
        check(random, DType.FLOAT32, new int[] {1, 1, 28, 28}, new int[] {8, 1, 5, 5}, Conv2dSpec.of(1, 2));
        check(random, DType.FLOAT32, new int[] {1, 4, 24, 26}, new int[] {9, 4, 8, 8}, Conv2dSpec.of(1, 0));
        check(random, DType.FLOAT32, new int[] {1, 4, 27, 30}, new int[] {10, 4, 12, 12}, Conv2dSpec.of(2, 5));
        check(random, DType.FLOAT32, new int[] {2, 2, 31, 19}, new int[] {16, 2, 4, 3},
                new Conv2dSpec(2, 1, 0, 2, 3, 1, 1, 1, 1));
        check(random, DType.FLOAT32, new int[] {1, 3, 40, 9}, new int[] {24, 3, 3, 3}, new Conv2dSpec(1, 3, 1, 1, 1, 1,
                1, 1, 1));
        // A batch whose images' planes pass the amount one pass takes: an image a pass, three passes.
        check(random, DType.FLOAT32, new int[] {3, 3, 224, 224}, new int[] {16, 3, 3, 3}, Conv2dSpec.of(2, 1));
        // A thread keeps its planes' zero borders for the next call of the same geometry only: alternate geometries
        // (the second writes where the first's borders are), then the first again.
        for (int round = 0; round < 2; round++) {
            check(random, DType.FLOAT32, new int[] {1, 3, 21, 21}, new int[] {16, 3, 3, 3}, Conv2dSpec.of(2, 1));
            check(random, DType.FLOAT32, new int[] {1, 3, 23, 19}, new int[] {16, 3, 5, 5}, Conv2dSpec.of(1, 0));
        }
    }

    @Test
    void mobileNetAndResNetShapedLayers() {
        SplittableRandom random = new SplittableRandom(26);
        // Depthwise 3x3, stride 1 and 2, batch 1 and 2.
        check(random, DType.FLOAT32, new int[] {1, 32, 29, 29}, new int[] {32, 1, 3, 3}, Conv2dSpec.of(1, 1, 1, 32));
        check(random, DType.FLOAT32, new int[] {2, 24, 30, 31}, new int[] {24, 1, 3, 3}, Conv2dSpec.of(2, 1, 1, 24));
        // Pointwise expand / project straight on the input, and strided 1x1 (downsample) through the unfold.
        check(random, DType.FLOAT32, new int[] {1, 24, 19, 19}, new int[] {72, 24, 1, 1}, Conv2dSpec.of(1, 0));
        check(random, DType.FLOAT32, new int[] {2, 40, 15, 17}, new int[] {24, 40, 1, 1}, Conv2dSpec.of(1, 0));
        check(random, DType.FLOAT32, new int[] {1, 32, 21, 21}, new int[] {48, 32, 1, 1}, Conv2dSpec.of(2, 0));
        // 3x3 stride 1 and 2, a 7x7 stride-2 stem, and a grouped 3x3: the packed GEMM with cached filters.
        check(random, DType.FLOAT32, new int[] {1, 32, 23, 23}, new int[] {40, 32, 3, 3}, Conv2dSpec.of(1, 1));
        check(random, DType.FLOAT32, new int[] {3, 16, 21, 20}, new int[] {24, 16, 3, 3}, Conv2dSpec.of(2, 1));
        check(random, DType.FLOAT32, new int[] {1, 3, 45, 45}, new int[] {16, 3, 7, 7}, Conv2dSpec.of(2, 3));
        check(random, DType.FLOAT32, new int[] {2, 16, 17, 17}, new int[] {32, 4, 3, 3}, Conv2dSpec.of(1, 1, 1, 4));
        // Stride 2 with dilated, asymmetrically padded taps (odd and even shifts into the even/odd column planes),
        // grouped so that the second group's planes start mid-image, and a stride-2 5x5 with unequal strides.
        check(random, DType.FLOAT32, new int[] {1, 8, 19, 17}, new int[] {12, 4, 3, 3},
                new Conv2dSpec(2, 2, 1, 0, 3, 2, 2, 2, 2));
        check(random, DType.FLOAT32, new int[] {2, 6, 18, 23}, new int[] {20, 6, 5, 5}, new Conv2dSpec(1, 2, 2, 2, 1, 2, 1,
                1, 1));
    }
}
