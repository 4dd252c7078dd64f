package dev.adjoint.cpu;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.op.Conv2dSpec;
import dev.adjoint.op.Op;
import dev.adjoint.spi.Storage;
import java.util.List;

/**
 * {@code Op.Conv2dBlock}: convolution layers in turn, each with its bias and clamp, the last with a residual. An
 * inverted residual block in float32 on the vector kernels runs in bands ({@link DepthwiseBlockF32}); any other block
 * runs its layers one by one through {@link Convolution#conv2d}, each intermediate result recycled once the next layer
 * has read it.
 */
final class ConvolutionBlock {
    private ConvolutionBlock() {
    }

    /** One layer's operands: filters, their shape, bias, geometry and clamp. */
    private record Layer(CpuStorage weight, Shape weightShape, CpuStorage bias, Conv2dSpec spec, double low,
            double high) {
        boolean pointwise() {
            return weightShape.dim(2) == 1 && weightShape.dim(3) == 1 && spec.groups() == 1 && spec.strideH() == 1
                    && spec.strideW() == 1 && spec.padTop() == 0 && spec.padBottom() == 0 && spec.padLeft() == 0
                    && spec.padRight() == 0;
        }

        Convolution.Epilogue epilogue(CpuStorage residual) {
            return new Convolution.Epilogue(bias, residual, low, high);
        }
    }

    /**
     * The block's output of {@code outShape}: {@code x} of {@code xShape} through {@code layers} (weights, their
     * shapes and biases by layer), {@code residual} (null for none) added to the last.
     */
    static Storage run(CpuBackend backend, CpuStorage x, Shape xShape, List<Op.Conv2dBlock.Layer> geometry,
            List<CpuStorage> weights, List<Shape> weightShapes, List<CpuStorage> biases, CpuStorage residual,
            Shape outShape, boolean vector) {
        Layer[] layers = new Layer[geometry.size()];
        for (int i = 0; i < layers.length; i++) {
            Op.Conv2dBlock.Layer g = geometry.get(i);
            layers[i] = new Layer(weights.get(i), weightShapes.get(i), biases.get(i), g.spec(), g.low(), g.high());
        }
        if (vector && x.dtype() == DType.FLOAT32 && outShape.size() > 0 && banded(layers, xShape)) {
            Storage banded = invertedResidual(backend, x, xShape, layers, residual, outShape);
            if (banded != null) {
                return banded;
            }
        }
        CpuStorage value = x;
        Shape shape = xShape;
        for (int i = 0; i < layers.length; i++) {
            Layer layer = layers[i];
            boolean last = i == layers.length - 1;
            Shape next = last ? outShape : Shape.of(outDims(shape.dims(), layer));
            CpuStorage made = (CpuStorage) Convolution.conv2d(backend, value, shape, layer.weight(),
                    layer.weightShape(), layer.spec(), layer.epilogue(last ? residual : null), next, vector);
            if (value != x) {
                value.release();
            }
            value = made;
            shape = next;
        }
        return value;
    }

    /**
     * Whether the layers are [any convolution], depthwise, pointwise, with a depthwise layer that takes bands and
     * clamps the vector kernels apply in their tiles.
     */
    private static boolean banded(Layer[] layers, Shape xShape) {
        if (layers.length != 2 && layers.length != 3 || !layers[layers.length - 1].pointwise()) {
            return false;
        }
        for (Layer layer : layers) {
            if (!layer.epilogue(null).inTiles()) {
                return false;
            }
        }
        if (layers.length == 3) {
            // Every window of a first layer's band must reach into the image (a band of padding alone has no rows).
            Conv2dSpec s = layers[0].spec();
            int reach = (layers[0].weightShape().dim(2) - 1) * s.dilationH() + 1;
            if (s.padTop() >= reach || s.padBottom() >= reach) {
                return false;
            }
        }
        int[] in = layers.length == 3 ? outDims(xShape.dims(), layers[0]) : xShape.dims();
        Layer depthwise = layers[layers.length - 2];
        Shape w = depthwise.weightShape();
        int ow = depthwise.spec().outWidth(in[3], w.dim(3));
        return in[2] > 0 && in[3] > 0 && DepthwiseConvF32Vector.Bands.apply(in[1], w.dim(0), depthwise.spec().groups(), in[2],
                in[3], w.dim(2), w.dim(3), depthwise.spec(), ow);
    }

    /** The output dims (N, O, H, W) of {@code layer} on an input of {@code x}. */
    private static int[] outDims(int[] x, Layer layer) {
        Shape w = layer.weightShape();
        return new int[] {x[0], w.dim(0), layer.spec().outHeight(x[2], w.dim(2)),
            layer.spec().outWidth(x[3], w.dim(3))};
    }

    /** The block in bands; null when bands thin enough for the threads would be too thin (DepthwiseBlockF32.Block). */
    private static Storage invertedResidual(CpuBackend backend, CpuStorage x, Shape xShape, Layer[] layers,
            CpuStorage residual, Shape outShape) {
        int[] xd = xShape.dims();
        Layer depthwise = layers[layers.length - 2], projection = layers[layers.length - 1];
        int[] in = layers.length == 3 ? outDims(xd, layers[0]) : xd;
        boolean sliced = layers.length == 3 && !layers[0].pointwise();
        // What a sliced first layer works in beside the band, per row it writes: the input rows its windows read
        // (stride rows each) and its output, before the copy into the band.
        int scratch = sliced ? xd[1] * layers[0].spec().strideH() * xd[3] + in[1] * in[3] : 0;
        DepthwiseBlockF32.Block block = DepthwiseBlockF32.plan(xd[0], scratch, in[1], in[2], in[3],
                depthwise.weight().floats(), depthwise.spec().strideH(), depthwise.epilogue(null).floats(0),
                outShape.dim(2), outShape.dim(3));
        if (!block.worthBands()) {
            return null;
        }
        DepthwiseBlockF32.FirstLayer first;
        int firstDepth;
        if (layers.length == 2) {
            first = DepthwiseBlockF32.input(x.floats(), xd[1], xd[2], xd[3]);
            firstDepth = 0;
        } else if (!sliced) {
            first = DepthwiseBlockF32.pointwise(x.floats(), xd[1], xd[2], xd[3], pointwise(layers[0], null));
            firstDepth = xd[1];
        } else {
            first = sliced(backend, x, xd, layers[0], in);
            Shape w = layers[0].weightShape();
            firstDepth = w.dim(1) * w.dim(2) * w.dim(3);
        }
        CpuStorage result = Memory.allocateForOverwrite(backend, DType.FLOAT32, outShape.size());
        block.run(xd[0], first, firstDepth, pointwise(projection, residual), result.floats());
        return result;
    }

    /**
     * Any convolution as a block's first layer (MobileNet's stem before its first depthwise layer): each band's rows
     * are the layer on the input rows their windows read, padded only where those reach past the image. A stem's
     * kernel ({@link PolyphaseConvF32Vector}) reads those rows in place and writes the band; any other layer goes
     * through {@link Convolution#conv2d} on a copy of the rows, its output then copied into the band. {@code out} is
     * the layer's output dims.
     */
    private static DepthwiseBlockF32.FirstLayer sliced(CpuBackend backend, CpuStorage x, int[] xd, Layer layer,
            int[] out) {
        Conv2dSpec s = layer.spec();
        int channels = xd[1], h = xd[2], w = xd[3], outChannels = out[1], ow = out[3];
        int reach = (layer.weightShape().dim(2) - 1) * s.dilationH() + 1;
        float[] xs = x.floats();
        Convolution.Epilogue epilogue = layer.epilogue(null);
        int kh = layer.weightShape().dim(2), kw = layer.weightShape().dim(3);
        return (n, from, to, dst, dstOff, chunk) -> {
            // Input rows [top, bottom) hold the windows of output rows [from, to), padding included.
            int top = from * s.strideH() - s.padTop(), bottom = (to - 1) * s.strideH() - s.padTop() + reach;
            int r0 = Math.max(0, top), r1 = Math.min(h, bottom);
            Conv2dSpec band = new Conv2dSpec(s.strideH(), s.strideW(), r0 - top, bottom - r1, s.padLeft(),
                    s.padRight(), s.dilationH(), s.dilationW(), s.groups());
            if (PolyphaseConvF32Vector.applies(channels, s.groups(), outChannels, kh, kw, band, to - from, ow)) {
                // A stem's kernel reads the rows in place and writes the band's rows: no copy either way.
                PolyphaseConvF32Vector.conv(xs, (n * channels * h + r0) * w, h * w, 1, channels, r1 - r0, w,
                        layer.weight(), outChannels, kh, kw, band, to - from, ow, epilogue.floats(0), dst, dstOff,
                        chunk);
                return;
            }
            CpuStorage rows = Memory.allocateForOverwrite(backend, DType.FLOAT32, (long) channels * (r1 - r0) * w);
            for (int c = 0; c < channels; c++) {
                System.arraycopy(xs, ((n * channels + c) * h + r0) * w, rows.floats(), c * (r1 - r0) * w,
                        (r1 - r0) * w);
            }
            CpuStorage made = (CpuStorage) Convolution.conv2d(backend, rows, Shape.of(1, channels, r1 - r0, w),
                    layer.weight(), layer.weightShape(), band, epilogue, Shape.of(1, outChannels, to - from, ow),
                    true);
            for (int c = 0; c < outChannels; c++) {
                System.arraycopy(made.floats(), c * (to - from) * ow, dst, dstOff + c * chunk, (to - from) * ow);
            }
            rows.release();
            made.release();
        };
    }

    /**
     * A pointwise layer's filters ({@code O x C}) and epilogue. The filters are packed once, for every call, whatever
     * their size: a block is an inference op, whose filters are the same at every call, and MobileNet-v2's small
     * ones (under {@link PackedOperands#MIN_BYTES}, such as 144 x 24), packed anew at each call, allocated and wrote
     * 140 KB per inference. Where the cache keeps nothing they are packed for the call: each band's GEMM would pack
     * them again.
     */
    private static DepthwiseBlockF32.Pointwise pointwise(Layer layer, CpuStorage residual) {
        int out = layer.weightShape().dim(0), in = layer.weightShape().dim(1);
        float[] weight = layer.weight().floats();
        GemmF32Vector.Packed packed = PackedOperands.floats(layer.weight(), true, out, in, 0, in, 1, 0);
        if (packed == null) {
            packed = GemmF32Vector.pack(true, out, in, weight, 0, in, 1);
        }
        return new DepthwiseBlockF32.Pointwise(weight, packed, out, layer.epilogue(residual).floats(0));
    }
}
