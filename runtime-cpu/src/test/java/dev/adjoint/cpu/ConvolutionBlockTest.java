package dev.adjoint.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Conv2dLayer;
import dev.adjoint.Tensor;
import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.core.TensorException;
import dev.adjoint.op.Conv2dSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * {@code conv2dBlock} against its layers run one by one as {@code conv2dBias}, in float32 (the same sums: a
 * difference only where a product's tiles sum in another order) and in float64 (an independent check of both). The
 * geometries are MobileNet-v2's inverted residual blocks and their edges: no expansion, stride 2 on rows wider and
 * narrower than the banded stride-2 kernel takes, planes narrower than a vector, odd sizes, batches, and wide blocks
 * whose bands are a single row, so that the rows carried from band to band are exercised.
 */
class ConvolutionBlockTest {
    private static final double INF = Double.POSITIVE_INFINITY;

    @ParameterizedTest(name = "{0} -> {1} ({2}x{2} s{3}) -> {4}, {5}x{6}, stride {7}, batch {8}, residual {9}")
    @CsvSource({
        // channels, expanded (0: no first layer), its kernel and stride, out, h, w, stride, batch, residual
        "32, 0, 1, 1, 16, 112, 112, 1, 1, false", // MobileNet-v2's first block
        "3, 32, 3, 2, 16, 224, 224, 1, 1, false", // ... with the stem before it
        "16, 96, 1, 1, 24, 112, 112, 2, 1, false", // its second: stride 2 on rows wider than 64
        "24, 144, 1, 1, 24, 56, 56, 1, 1, true",
        "24, 144, 1, 1, 32, 56, 56, 2, 2, false", // stride 2 on rows of at most 64
        "64, 384, 1, 1, 64, 14, 14, 1, 1, true", // planes narrower than an AVX-512 vector
        "96, 576, 1, 1, 160, 14, 14, 2, 1, false",
        "8, 24, 1, 1, 8, 13, 19, 1, 3, true", // odd sizes
        "8, 24, 1, 1, 16, 17, 33, 2, 2, false",
        "3, 16, 3, 2, 8, 37, 45, 2, 2, true", // a 3x3 stride-2 first layer on odd sizes
        "5, 16, 3, 1, 8, 20, 26, 1, 1, false", // a 3x3 stride-1 first layer
        "4, 16, 5, 2, 8, 23, 40, 1, 1, true", // a 5x5 one with padding 2
        "16, 1024, 1, 1, 16, 9, 56, 1, 1, true", // bands of one row
        "16, 1024, 1, 1, 16, 9, 56, 2, 1, false",
        "4, 12, 1, 1, 4, 3, 8, 1, 1, true", // banded on AVX2 (its least plane), layer by layer on AVX-512
        "6, 0, 1, 1, 6, 5, 7, 1, 2, true"
    })
    void equalsItsLayersOneByOne(int channels, int expanded, int kernel, int firstStride, int out, int inH, int inW,
            int stride, int batch, boolean residual) {
        int pad = kernel / 2;
        int h = (inH + 2 * pad - kernel) / firstStride + 1, w = (inW + 2 * pad - kernel) / firstStride + 1;
        SplittableRandom random = new SplittableRandom(31L * channels + 7L * h + w + stride + batch + kernel);
        int wide = expanded == 0 ? channels : expanded;
        List<double[]> weights = new ArrayList<>();
        List<int[]> shapes = new ArrayList<>();
        List<Conv2dSpec> specs = new ArrayList<>();
        List<double[]> bounds = new ArrayList<>();
        if (expanded > 0) {
            shapes.add(new int[] {expanded, channels, kernel, kernel});
            specs.add(Conv2dSpec.of(firstStride, pad));
            bounds.add(new double[] {0, 6});
        }
        shapes.add(new int[] {wide, 1, 3, 3});
        specs.add(new Conv2dSpec(stride, stride, 1, 1, 1, 1, 1, 1, wide));
        bounds.add(new double[] {0, 6});
        shapes.add(new int[] {out, wide, 1, 1});
        specs.add(Conv2dSpec.of(1, 0));
        bounds.add(residual ? new double[] {-INF, INF} : new double[] {-0.5, INF});
        for (int[] shape : shapes) {
            weights.add(values(random, shape[0] * shape[1] * shape[2] * shape[3], 1 / Math.sqrt(shape[1] * 9.0)));
            weights.add(values(random, shape[0], 0.5));
        }
        int oh = (h - 1) / stride + 1, ow = (w - 1) / stride + 1;
        double[] x = values(random, batch * channels * inH * inW, 1);
        double[] shortcut = residual ? values(random, batch * out * oh * ow, 1) : null;
        // A NaN and an infinity in the input reach the same outputs whichever way the layers run.
        x[random.nextInt(x.length)] = Double.NaN;
        x[random.nextInt(x.length)] = INF;
        int[] xDims = {batch, channels, inH, inW}, outDims = {batch, out, oh, ow};

        // On one thread every block the banded kernel takes runs in bands; on all of them, only one whose bands keep
        // every thread busy (the others run layer by layer).
        float[] oneThread = Parallel.limited(1,
                () -> run(DType.FLOAT32, true, x, xDims, weights, shapes, specs, bounds, shortcut, outDims));
        float[] threads = run(DType.FLOAT32, true, x, xDims, weights, shapes, specs, bounds, shortcut, outDims);
        float[] layers = run(DType.FLOAT32, false, x, xDims, weights, shapes, specs, bounds, shortcut, outDims);
        float[] exact = run(DType.FLOAT64, false, x, xDims, weights, shapes, specs, bounds, shortcut, outDims);
        assertEquals(batch * out * oh * ow, oneThread.length);
        for (float[] block : List.of(oneThread, threads)) {
            String how = block == oneThread ? "on one thread" : "on " + Parallel.threads() + " threads";
            for (int i = 0; i < block.length; i++) {
                String at = "element " + i + " of " + block.length + ", " + how;
                assertClose(layers[i], block[i], 1e-5, "block against its layers in float32, " + at);
                assertClose(exact[i], block[i], 1e-4, "block against its layers in float64, " + at);
            }
        }
    }

    /** The block (or its layers one by one) in {@code dtype}. */
    private static float[] run(DType dtype, boolean asBlock, double[] x, int[] xDims, List<double[]> weights,
            List<int[]> shapes, List<Conv2dSpec> specs, List<double[]> bounds, double[] shortcut, int[] outDims) {
        Tensor value = tensor(x, xDims, dtype);
        Tensor residual = shortcut == null ? null : tensor(shortcut, outDims, dtype);
        List<Conv2dLayer> layers = new ArrayList<>();
        for (int i = 0; i < shapes.size(); i++) {
            int[] shape = shapes.get(i);
            layers.add(new Conv2dLayer(tensor(weights.get(2 * i), shape, dtype),
                    tensor(weights.get(2 * i + 1), new int[] {shape[0]}, dtype), specs.get(i), bounds.get(i)[0],
                    bounds.get(i)[1]));
        }
        if (asBlock) {
            return value.conv2dBlock(layers, residual).cast(DType.FLOAT32).toFloatArray();
        }
        for (int i = 0; i < layers.size(); i++) {
            Conv2dLayer l = layers.get(i);
            value = i == layers.size() - 1 && residual != null
                    ? value.conv2dBias(l.weight(), l.bias(), residual, l.spec(), l.low(), l.high())
                    : value.conv2dBias(l.weight(), l.bias(), l.spec(), l.low(), l.high());
        }
        return value.cast(DType.FLOAT32).toFloatArray();
    }

    @Test
    void mobileNetsDepthwiseLayersTakeBands() {
        // channels, h, w, stride of MobileNet-v2's depthwise layers down to 14x14 (its 7x7 ones run layer by layer).
        int[][] layers = {{32, 112, 112, 1}, {96, 112, 112, 2}, {144, 56, 56, 1}, {144, 56, 56, 2}, {192, 28, 28, 1},
            {192, 28, 28, 2}, {384, 14, 14, 1}, {576, 14, 14, 1}};
        for (int[] l : layers) {
            Conv2dSpec spec = new Conv2dSpec(l[3], l[3], 1, 1, 1, 1, 1, 1, l[0]);
            assertTrue(DepthwiseConvF32Vector.Bands.apply(l[0], l[0], l[0], l[1], l[2], 3, 3, spec, spec.outWidth(l[2], 3)),
                    java.util.Arrays.toString(l));
        }
    }

    @Test
    void aBlockOfOtherLayersRunsThemOneByOne() {
        SplittableRandom random = new SplittableRandom(5);
        Tensor x = Tensor.randomNormal(random, 0, 1, 2, 3, 9, 11);
        Conv2dLayer first = new Conv2dLayer(Tensor.randomNormal(random, 0, 1, 8, 3, 3, 3),
                Tensor.randomNormal(random, 0, 1, 8), Conv2dSpec.of(2, 1), 0, INF);
        Conv2dLayer second = Conv2dLayer.linear(Tensor.randomNormal(random, 0, 1, 4, 8, 1, 1),
                Tensor.randomNormal(random, 0, 1, 4), Conv2dSpec.of(1, 0));
        Tensor residual = Tensor.randomNormal(random, 0, 1, 2, 4, 5, 6);
        float[] block = x.conv2dBlock(List.of(first, second), residual).toFloatArray();
        float[] layers = x.conv2dBias(first.weight(), first.bias(), first.spec(), 0, INF)
                .conv2dBias(second.weight(), second.bias(), residual, second.spec(), -INF, INF).toFloatArray();
        assertEquals(layers.length, block.length);
        for (int i = 0; i < block.length; i++) {
            assertEquals(layers[i], block[i], "element " + i);
        }
    }

    @Test
    void keepsSmallFiltersPackedUntilTheyAreWritten() {
        // 16 -> 96 -> 24 at 20x20: filters of 6 and 9 KiB, which the cache of packed operands keeps for no other op.
        SplittableRandom random = new SplittableRandom(9);
        Tensor x = Tensor.randomNormal(random, 0, 1, 1, 16, 20, 20);
        Conv2dLayer expand = new Conv2dLayer(Tensor.randomNormal(random, 0, 0.3, 96, 16, 1, 1),
                Tensor.randomNormal(random, 0, 1, 96), Conv2dSpec.of(1, 0), 0, 6);
        Conv2dLayer depthwise = new Conv2dLayer(Tensor.randomNormal(random, 0, 0.3, 96, 1, 3, 3),
                Tensor.randomNormal(random, 0, 1, 96), new Conv2dSpec(1, 1, 1, 1, 1, 1, 1, 1, 96), 0, 6);
        Conv2dLayer project = Conv2dLayer.linear(Tensor.randomNormal(random, 0, 0.3, 24, 96, 1, 1),
                Tensor.randomNormal(random, 0, 1, 24), Conv2dSpec.of(1, 0));
        List<Conv2dLayer> layers = List.of(expand, depthwise, project);
        for (int call = 0; call < 3; call++) {
            assertBlockEqualsLayers(x, layers, "call " + call);
        }
        CpuStorage weight = (CpuStorage) expand.weight().storage();
        assertTrue(PackedOperands.bytesHeld(weight) > 0, "the expansion's panels are kept");
        // An in-place update, announced as PackedOperands asks: the next call packs the new values.
        float[] values = weight.floats();
        PackedOperands.written(weight);
        for (int i = 0; i < values.length; i++) {
            values[i] = -0.5f * values[i];
        }
        assertBlockEqualsLayers(x, layers, "after the write");
        assertBlockEqualsLayers(x, layers, "after the write, from the new panels");
    }

    @Test
    void keepsAStemsFiltersPackedUntilTheyAreWritten() {
        // Three input channels, 3x3 stride 2: the polyphase stem kernel, whose filters (0.9 KiB) are kept packed too.
        SplittableRandom random = new SplittableRandom(10);
        Tensor x = Tensor.randomNormal(random, 0, 1, 1, 3, 20, 22);
        Tensor w = Tensor.randomNormal(random, 0, 0.3, 8, 3, 3, 3), b = Tensor.randomNormal(random, 0, 1, 8);
        Conv2dSpec spec = Conv2dSpec.of(2, 1);
        float[] first = x.conv2dBias(w, b, spec, 0, 6).toFloatArray();
        for (int call = 0; call < 2; call++) {
            assertArrayEquals(first, x.conv2dBias(w, b, spec, 0, 6).toFloatArray(), "call " + (call + 1));
        }
        CpuStorage weight = (CpuStorage) w.storage();
        assertTrue(PackedOperands.bytesHeld(weight) > 0, "the stem's panels are kept");
        float[] values = weight.floats();
        PackedOperands.written(weight);
        for (int i = 0; i < values.length; i++) {
            values[i] = -0.5f * values[i];
        }
        // The same values in a tensor of their own, which no cache has seen.
        float[] fresh = x.conv2dBias(Tensor.of(values.clone(), Shape.of(8, 3, 3, 3)), b, spec, 0, 6).toFloatArray();
        assertArrayEquals(fresh, x.conv2dBias(w, b, spec, 0, 6).toFloatArray(), "after the write");
        assertArrayEquals(fresh, x.conv2dBias(w, b, spec, 0, 6).toFloatArray(), "after the write, from the new panels");
    }

    private static void assertBlockEqualsLayers(Tensor x, List<Conv2dLayer> layers, String what) {
        float[] block = x.conv2dBlock(layers, null).toFloatArray();
        Tensor value = x;
        for (Conv2dLayer l : layers) {
            value = value.conv2dBias(l.weight(), l.bias(), l.spec(), l.low(), l.high());
        }
        float[] oneByOne = value.toFloatArray();
        assertEquals(oneByOne.length, block.length, what);
        for (int i = 0; i < block.length; i++) {
            assertEquals(oneByOne[i], block[i], 1e-5 * Math.max(1, Math.abs(oneByOne[i])), what + ", element " + i);
        }
    }

    @Test
    void namesTheLayerWhoseOperandsDoNotFit() {
        Tensor x = Tensor.zeros(1, 4, 8, 8);
        Conv2dLayer expand = Conv2dLayer.linear(Tensor.zeros(12, 4, 1, 1), Tensor.zeros(12), Conv2dSpec.of(1, 0));
        Conv2dLayer badBias = Conv2dLayer.linear(Tensor.zeros(12, 1, 3, 3), Tensor.zeros(4),
                new Conv2dSpec(1, 1, 1, 1, 1, 1, 1, 1, 12));
        TensorException e = assertThrows(TensorException.class, () -> x.conv2dBlock(List.of(expand, badBias), null));
        assertTrue(e.getMessage().contains("conv2dBlock layer 1") && e.getMessage().contains("(12)"), e.getMessage());

        Conv2dLayer depthwise = Conv2dLayer.linear(Tensor.zeros(12, 1, 3, 3), Tensor.zeros(12),
                new Conv2dSpec(2, 2, 1, 1, 1, 1, 1, 1, 12));
        e = assertThrows(TensorException.class,
                () -> x.conv2dBlock(List.of(expand, depthwise), Tensor.zeros(1, 12, 8, 8)));
        assertTrue(e.getMessage().contains("residual of the output's shape (1, 12, 4, 4)"), e.getMessage());

        e = assertThrows(TensorException.class, () -> x.conv2dBlock(List.of(), null));
        assertTrue(e.getMessage().contains("at least one layer"), e.getMessage());
    }

    private static void assertClose(double expected, double actual, double tolerance, String what) {
        if (Double.isNaN(expected) || Double.isInfinite(expected)) {
            assertEquals(expected, actual, what);
            return;
        }
        double scale = Math.max(1, Math.abs(expected));
        assertTrue(Math.abs(expected - actual) <= tolerance * scale, what + ": expected " + expected + ", got "
                + actual);
    }

    private static double[] values(SplittableRandom random, int n, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (random.nextDouble() * 2 - 1) * scale;
        }
        return v;
    }

    private static Tensor tensor(double[] values, int[] dims, DType dtype) {
        return Tensor.of(values, dev.adjoint.core.Shape.of(dims)).cast(dtype);
    }
}
