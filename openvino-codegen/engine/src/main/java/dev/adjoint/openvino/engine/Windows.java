package dev.adjoint.openvino.engine;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.core.Slice;
import dev.adjoint.Tensor;
import dev.adjoint.op.Conv2dSpec;
import dev.adjoint.op.Pool2dSpec;
import dev.adjoint.openvino.ir.Dimension;
import dev.adjoint.openvino.ir.ShapeRules;
import dev.adjoint.openvino.ir.ShapeRules.AutoPad;
import dev.adjoint.openvino.ir.ShapeRules.Rounding;
import java.util.Arrays;
import java.util.List;

/**
 * Convolution and pooling over 1, 2 or 3 spatial axes, composed from the Tensor API: 2-D work goes to
 * {@code conv2d}/{@code pool2d} where their geometry fits, 1-D work is 2-D work with a height of 1, and the rest
 * (3-D, dilated or asymmetrically padded pooling, ceil rounding, max-pooling indices) walks the kernel window:
 * one strided slice of the padded input per window offset, combined elementwise.
 */
final class Windows {
    private Windows() {
    }

    /** Per-axis geometry: strides, dilations, resolved pads and the output length of each spatial axis. */
    record Geometry(long[] strides, long[] dilations, long[] padsBegin, long[] padsEnd, long[] out) {
        int spatial() {
            return out.length;
        }
    }

    /**
     * Resolves auto_pad and rounding for an input of spatial lengths {@code in} and a window of {@code kernel}.
     * With ceil rounding, {@code padsEnd} grows so that the last window fits.
     */
    static Geometry geometry(long[] in, long[] kernel, List<Long> strides, List<Long> dilations, List<Long> padsBegin,
            List<Long> padsEnd, String autoPadName, Rounding rounding) {
        int n = in.length;
        long[] s = ShapeRules.spatialList(strides, n, 1, "strides", 1);
        long[] d = ShapeRules.spatialList(dilations, n, 1, "dilations", 1);
        long[] pb = ShapeRules.spatialList(padsBegin, n, 0, "pads_begin", Long.MIN_VALUE);
        long[] pe = ShapeRules.spatialList(padsEnd, n, 0, "pads_end", Long.MIN_VALUE);
        AutoPad autoPad = AutoPad.of(autoPadName);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            long effective = d[i] * (kernel[i] - 1) + 1;
            switch (autoPad) {
                case VALID -> {
                    pb[i] = 0;
                    pe[i] = 0;
                }
                case SAME_UPPER, SAME_LOWER -> {
                    long o = Math.ceilDiv(in[i], s[i]);
                    long total = Math.max(0, (o - 1) * s[i] + effective - in[i]);
                    long small = total / 2;
                    pb[i] = autoPad == AutoPad.SAME_UPPER ? small : total - small;
                    pe[i] = total - pb[i];
                }
                case EXPLICIT -> {
                }
            }
            out[i] = ShapeRules.windowOutput(Dimension.of(in[i]), Dimension.of(kernel[i]), s[i], d[i], pb[i], pe[i],
                    AutoPad.EXPLICIT, rounding).length();
        }
        return new Geometry(s, d, pb, pe, out);
    }

    static long[] spatialDims(Tensor x) {
        int[] dims = x.shape().dims();
        long[] out = new long[dims.length - 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = dims[i + 2];
        }
        return out;
    }

    // ---- convolution ----

    /**
     * A bias (one value per output channel), a residual (null, or a tensor of the result's shape, added after the
     * bias) and a clamp ({@code low <= high}, infinite for none) applied to a convolution's result, which
     * {@link EpilogueFusion} takes from the layers after it.
     */
    record Epilogue(Tensor bias, Tensor residual, double low, double high) {
        /**
         * The same as layers of their own would compute it: for the geometries {@code conv2dBias} does not take, and for
         * a residual that broadcasts.
         */
        Tensor applyTo(Tensor y) {
            int[] dims = new int[y.rank()];
            java.util.Arrays.fill(dims, 1);
            dims[1] = bias.dim(0);
            Tensor v = y.add(bias.reshape(dims));
            if (residual != null) {
                v = v.add(residual);
            }
            if (low != Double.NEGATIVE_INFINITY) {
                v = v.maximum(low);
            }
            return high == Double.POSITIVE_INFINITY ? v : v.minimum(high);
        }
    }

    /**
     * Cross-correlation of {@code x} [N, C, spatial...] with {@code w} [O, C/groups, kernel...]. 2-D runs on
     * {@code conv2d}; 1-D as 2-D of height 1; 3-D as a sum of 2-D convolutions over the kernel's depth.
     */
    static Tensor convolution(Tensor x, Tensor w, Geometry g, int groups) {
        return convolution(x, w, g, groups, null);
    }

    /** As {@link #convolution(Tensor, Tensor, Geometry, int)}, then {@code epilogue} if not null. */
    static Tensor convolution(Tensor x, Tensor w, Geometry g, int groups, Epilogue epilogue) {
        for (int i = 0; i < g.spatial(); i++) {
            if (g.padsBegin()[i] < 0 || g.padsEnd()[i] < 0) {
                // Negative pads crop the input first.
                x = crop(x, i, Math.max(0, -g.padsBegin()[i]), Math.max(0, -g.padsEnd()[i]));
            }
        }
        long[] pb = nonNegative(g.padsBegin());
        long[] pe = nonNegative(g.padsEnd());
        return switch (g.spatial()) {
            case 1 -> {
                Tensor x2 = x.expandDims(2);
                Tensor w2 = w.expandDims(2);
                Conv2dSpec spec = new Conv2dSpec(1, (int) g.strides()[0], 0, 0, (int) pb[0], (int) pe[0], 1,
                        (int) g.dilations()[0], groups);
                Tensor y = x2.conv2d(w2, spec).squeeze(2);
                yield epilogue == null ? y : epilogue.applyTo(y);
            }
            case 2 -> epilogue == null ? x.conv2d(w, spec2d(g, pb, pe, groups))
                    : convolution2d(x, w, spec2d(g, pb, pe, groups), epilogue);
            case 3 -> {
                Tensor y = convolution3d(x, w, g, pb, pe, groups);
                yield epilogue == null ? y : epilogue.applyTo(y);
            }
            default -> throw new IllegalArgumentException("convolution over " + g.spatial()
                    + " spatial axes is not supported (1, 2 or 3)");
        };
    }

    /**
     * A 2-d convolution with its epilogue on {@code conv2dBias}; a residual of another shape than the result's (one
     * the Add it came from broadcasts, known only now for a dynamic batch) is added as that Add would add it, by the
     * layers one by one ({@link Epilogue#applyTo}).
     */
    private static Tensor convolution2d(Tensor x, Tensor w, Conv2dSpec spec, Epilogue epilogue) {
        Tensor residual = epilogue.residual();
        if (residual == null) {
            return x.conv2dBias(w, epilogue.bias(), spec, epilogue.low(), epilogue.high());
        }
        Shape out = Shape.of(x.dim(0), w.dim(0), spec.outHeight(x.dim(2), w.dim(2)), spec.outWidth(x.dim(3), w.dim(3)));
        if (residual.shape().equals(out)) {
            return x.conv2dBias(w, epilogue.bias(), residual, spec, epilogue.low(), epilogue.high());
        }
        return epilogue.applyTo(x.conv2d(w, spec));
    }

    static Conv2dSpec spec2d(Geometry g, long[] pb, long[] pe, int groups) {
        return new Conv2dSpec((int) g.strides()[0], (int) g.strides()[1], (int) pb[0], (int) pe[0], (int) pb[1],
                (int) pe[1], (int) g.dilations()[0], (int) g.dilations()[1], groups);
    }

    /** out[:, :, od] = sum over kd of conv2d(x_padded[:, :, od * s + kd * dil], w[:, :, kd]). */
    private static Tensor convolution3d(Tensor x, Tensor w, Geometry g, long[] pb, long[] pe, int groups) {
        Tensor xp = x.pad(new int[][] {{0, 0}, {0, 0}, {(int) pb[0], (int) pe[0]}, {0, 0}, {0, 0}}, 0.0);
        Geometry inner = new Geometry(Arrays.copyOfRange(g.strides(), 1, 3), Arrays.copyOfRange(g.dilations(), 1, 3),
                Arrays.copyOfRange(pb, 1, 3), Arrays.copyOfRange(pe, 1, 3), Arrays.copyOfRange(g.out(), 1, 3));
        Conv2dSpec spec = spec2d(inner, inner.padsBegin(), inner.padsEnd(), groups);
        int kd = w.dim(2);
        Tensor[] depth = new Tensor[(int) g.out()[0]];
        for (int od = 0; od < depth.length; od++) {
            Tensor sum = null;
            for (int k = 0; k < kd; k++) {
                int z = (int) (od * g.strides()[0] + k * g.dilations()[0]);
                Tensor plane = xp.index(Slice.all(), Slice.all(), Slice.at(z));
                Tensor term = plane.conv2d(w.index(Slice.all(), Slice.all(), Slice.at(k)), spec);
                sum = sum == null ? term : sum.add(term);
            }
            depth[od] = sum.expandDims(2);
        }
        return Tensor.concat(2, depth);
    }

    private static Tensor crop(Tensor x, int spatialAxis, long begin, long end) {
        Slice[] s = new Slice[x.rank()];
        Arrays.fill(s, Slice.all());
        int len = x.dim(spatialAxis + 2);
        s[spatialAxis + 2] = Slice.range((int) Math.min(begin, len), (int) Math.max(0, len - end));
        return x.index(s);
    }

    private static long[] nonNegative(long[] pads) {
        long[] out = pads.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.max(0, out[i]);
        }
        return out;
    }

    /**
     * ConvolutionBackpropData-1 (transposed convolution) of {@code x} [N, C_in, spatial...] with {@code w}
     * [C_in, C_out, kernel...]: the gradient of a convolution with respect to its input, which
     * {@code Tensor.conv2dBackwardInput} computes. 1-D runs as 2-D of height 1; 3-D is not supported.
     */
    static Tensor convolutionBackpropData(Layer l, Tensor x, Tensor w, long[] outputShape) {
        int spatial = x.rank() - 2;
        if (spatial != 1 && spatial != 2) {
            throw new IllegalArgumentException("ConvolutionBackpropData over " + spatial
                    + " spatial axes is not supported (1 or 2)");
        }
        long[] s = ShapeRules.spatialList(l.getLongs("strides"), spatial, 1, "strides", 1);
        long[] d = ShapeRules.spatialList(l.getLongs("dilations"), spatial, 1, "dilations", 1);
        long[] pb = ShapeRules.spatialList(l.getLongs("pads_begin"), spatial, 0, "pads_begin", Long.MIN_VALUE);
        long[] pe = ShapeRules.spatialList(l.getLongs("pads_end"), spatial, 0, "pads_end", Long.MIN_VALUE);
        long[] op = ShapeRules.spatialList(l.getLongs("output_padding"), spatial, 0, "output_padding", 0);
        AutoPad autoPad = AutoPad.of(l.getString("auto_pad"));
        long[] out = new long[spatial];
        for (int i = 0; i < spatial; i++) {
            long in = x.dim(2 + i);
            long k = w.dim(2 + i);
            long full = (in - 1) * s[i] + d[i] * (k - 1) + 1 + op[i];
            if (outputShape != null || autoPad == AutoPad.SAME_UPPER || autoPad == AutoPad.SAME_LOWER) {
                long target = outputShape != null ? outputShape[i] : in * s[i] + op[i];
                long total = full - target;
                long small = total / 2;
                pb[i] = autoPad == AutoPad.SAME_LOWER ? total - small : small;
                pe[i] = total - pb[i];
            } else if (autoPad == AutoPad.VALID) {
                pb[i] = 0;
                pe[i] = 0;
            }
            if (pb[i] < 0 || pe[i] < 0) {
                throw new IllegalArgumentException("the padding (" + pb[i] + ", " + pe[i] + ") of spatial axis " + i
                        + " is negative, which is not supported");
            }
            out[i] = full - pb[i] - pe[i];
        }
        Tensor x4 = spatial == 1 ? x.expandDims(2) : x;
        Tensor w4 = spatial == 1 ? w.expandDims(2) : w;
        Conv2dSpec spec = spatial == 1
                ? new Conv2dSpec(1, (int) s[0], 0, 0, (int) pb[0], (int) pe[0], 1, (int) d[0], 1)
                : new Conv2dSpec((int) s[0], (int) s[1], (int) pb[0], (int) pe[0], (int) pb[1], (int) pe[1],
                        (int) d[0], (int) d[1], 1);
        Shape inputShape = spatial == 1 ? Shape.of(x.dim(0), w.dim(1), 1, (int) out[0])
                : Shape.of(x.dim(0), w.dim(1), (int) out[0], (int) out[1]);
        Tensor y = Tensor.conv2dBackwardInput(x4, w4, spec, inputShape);
        return spatial == 1 ? y.squeeze(2) : y;
    }

    // ---- pooling ----

    /** Max pooling; {@code axis} &gt;= 0 also returns the indices (MaxPool-8), flattened from that input axis. */
    static List<Tensor> maxPool(Tensor x, long[] kernel, Geometry g, int indicesAxis) {
        if (indicesAxis < 0 && fitsPool2d(x, g, kernel)) {
            return List.of(x.pool2d(poolSpec(Pool2dSpec.Kind.MAX, kernel, g)));
        }
        double lowest = x.dtype().isFloating() ? Double.NEGATIVE_INFINITY
                : x.dtype() == DType.INT32 ? Integer.MIN_VALUE : Long.MIN_VALUE;
        Tensor padded = padForWindows(x, kernel, g, lowest);
        Tensor best = null;
        Tensor bestOffset = null;
        int[] offsets = new int[g.spatial()];
        int count = windowCount(kernel);
        for (int k = 0; k < count; k++) {
            offsetOf(k, kernel, offsets);
            Tensor v = window(padded, offsets, g);
            if (best == null) {
                best = v;
                bestOffset = Tensor.zeros(DType.INT64, v.shape().dims()).to(v.device());
            } else {
                // The first maximum wins; a NaN in the window wins, as pool2d's max propagates NaN.
                Tensor better = v.gt(best).logicalOr(v.ne(v).logicalAnd(best.eq(best)));
                best = Tensor.where(better, v, best);
                bestOffset = Tensor.where(better, (long) k, bestOffset);
            }
        }
        if (indicesAxis < 0) {
            return List.of(best);
        }
        return List.of(best, indices(x.shape(), kernel, g, bestOffset, indicesAxis));
    }

    /**
     * Average pooling. As OpenVINO's reference: with {@code excludePad} (or no padding at all) a window is divided
     * by the number of its positions inside the input; otherwise by the full kernel size.
     */
    static Tensor avgPool(Tensor x, long[] kernel, Geometry g, boolean excludePad) {
        boolean padded = false;
        for (int i = 0; i < g.spatial(); i++) {
            padded |= g.padsBegin()[i] != 0 || g.padsEnd()[i] != 0;
        }
        boolean countInBounds = excludePad || !padded;
        if (countInBounds && fitsPool2d(x, g, kernel)) {
            return x.pool2d(poolSpec(Pool2dSpec.Kind.AVG, kernel, g));
        }
        Tensor xf = x.cast(x.dtype().toFloating());
        Tensor sum = windowSum(padForWindows(xf, kernel, g, 0.0), kernel, g);
        if (!countInBounds) {
            return sum.div((double) windowCount(kernel));
        }
        int[] ones = new int[x.rank()];
        Arrays.fill(ones, 1);
        long[] in = spatialDims(x);
        for (int i = 0; i < in.length; i++) {
            ones[i + 2] = (int) in[i];
        }
        Tensor mask = Tensor.ones(xf.dtype(), ones).to(x.device());
        Tensor count = windowSum(padForWindows(mask, kernel, g, 0.0), kernel, g);
        // A window wholly in the padding counts nothing; OpenVINO gives 0 there.
        return Tensor.where(count.gt(0.0), sum.div(count.maximum(1.0)), 0.0);
    }

    private static Tensor windowSum(Tensor padded, long[] kernel, Geometry g) {
        Tensor sum = null;
        int[] offsets = new int[g.spatial()];
        for (int k = 0; k < windowCount(kernel); k++) {
            offsetOf(k, kernel, offsets);
            Tensor v = window(padded, offsets, g);
            sum = sum == null ? v : sum.add(v);
        }
        return sum;
    }

    /**
     * pool2d handles 2-D, undilated windows with symmetric pads of at most half the kernel and floor rounding (so a
     * ceil-rounded geometry fits only where its output length equals the floor one).
     */
    private static boolean fitsPool2d(Tensor x, Geometry g, long[] kernel) {
        if (g.spatial() != 2) {
            return false;
        }
        long[] in = spatialDims(x);
        for (int i = 0; i < 2; i++) {
            if (g.dilations()[i] != 1 || g.padsBegin()[i] != g.padsEnd()[i] || g.padsBegin()[i] > kernel[i] / 2) {
                return false;
            }
            long floorOut = Math.floorDiv(in[i] + 2 * g.padsBegin()[i] - kernel[i], g.strides()[i]) + 1;
            if (floorOut != g.out()[i]) {
                return false;
            }
        }
        return true;
    }


    private static Pool2dSpec poolSpec(Pool2dSpec.Kind kind, long[] kernel, Geometry g) {
        return new Pool2dSpec(kind, (int) kernel[0], (int) kernel[1], (int) g.strides()[0], (int) g.strides()[1],
                (int) g.padsBegin()[0], (int) g.padsBegin()[1]);
    }

    /** Pads the spatial axes so that every window of the geometry lies inside; {@code fill} is the padding value. */
    private static Tensor padForWindows(Tensor x, long[] kernel, Geometry g, double fill) {
        long[] in = spatialDims(x);
        int[][] pads = new int[x.rank()][2];
        boolean any = false;
        for (int i = 0; i < in.length; i++) {
            long need = (g.out()[i] - 1) * g.strides()[i] + g.dilations()[i] * (kernel[i] - 1) + 1;
            long end = Math.max(g.padsEnd()[i], need - in[i] - g.padsBegin()[i]);
            pads[i + 2][0] = (int) g.padsBegin()[i];
            pads[i + 2][1] = (int) end;
            any |= pads[i + 2][0] != 0 || end != 0;
        }
        return any ? x.pad(pads, fill) : x;
    }

    private static int windowCount(long[] kernel) {
        long n = 1;
        for (long k : kernel) {
            n *= k;
        }
        return Math.toIntExact(n);
    }

    /** The window offset of flat index {@code k} (row-major over the kernel). */
    private static void offsetOf(int k, long[] kernel, int[] out) {
        for (int i = kernel.length - 1; i >= 0; i--) {
            out[i] = (int) (k % kernel[i]);
            k /= (int) kernel[i];
        }
    }

    /** The input values at one window offset for every output position: a strided slice of the padded input. */
    private static Tensor window(Tensor padded, int[] offsets, Geometry g) {
        Slice[] s = new Slice[padded.rank()];
        s[0] = Slice.all();
        s[1] = Slice.all();
        for (int i = 0; i < offsets.length; i++) {
            int start = (int) (offsets[i] * g.dilations()[i]);
            int stop = (int) (start + (g.out()[i] - 1) * g.strides()[i] + 1);
            s[i + 2] = Slice.range(start, stop, (int) g.strides()[i]);
        }
        return padded.index(s);
    }

    /**
     * MaxPool-8's indices: the position of each maximum in the input flattened from axis {@code axis} on
     * (axis 0: over the whole tensor).
     */
    private static Tensor indices(Shape in, long[] kernel, Geometry g, Tensor offset, int axis) {
        int rank = in.rank();
        int spatial = g.spatial();
        // Coordinates along each spatial axis: out * stride - pad_begin + kernel_offset * dilation.
        Tensor flat = Tensor.zeros(DType.INT64, offset.shape().dims()).to(offset.device());
        Tensor remaining = offset;
        long[] strideOfAxis = new long[rank];
        long s = 1;
        for (int i = rank - 1; i >= 0; i--) {
            strideOfAxis[i] = s;
            s *= in.dim(i);
        }
        long kernelStride = 1;
        long[] kernelStrides = new long[spatial];
        for (int i = spatial - 1; i >= 0; i--) {
            kernelStrides[i] = kernelStride;
            kernelStride *= kernel[i];
        }
        for (int i = 0; i < spatial; i++) {
            Tensor k = TensorMath.integerDivide(remaining, Tensor.of(kernelStrides[i]).to(offset.device()), true);
            remaining = remaining.sub(k.mul(kernelStrides[i]));
            int[] shape = new int[rank];
            Arrays.fill(shape, 1);
            shape[i + 2] = (int) g.out()[i];
            Tensor pos = Tensor.arange(0, (int) g.out()[i], 1).to(offset.device()).cast(DType.INT64).reshape(shape)
                    .mul(g.strides()[i]).sub(g.padsBegin()[i]);
            Tensor coordinate = pos.add(k.mul(g.dilations()[i]));
            flat = flat.add(coordinate.mul(strideOfAxis[i + 2]));
        }
        for (int i = axis; i < 2; i++) {
            int[] shape = new int[rank];
            Arrays.fill(shape, 1);
            shape[i] = in.dim(i);
            Tensor pos = Tensor.arange(0, in.dim(i), 1).to(offset.device()).cast(DType.INT64).reshape(shape);
            flat = flat.add(pos.mul(strideOfAxis[i]));
        }
        return flat;
    }
}
