package dev.adjoint.openvino.engine;

import dev.adjoint.core.Slice;
import dev.adjoint.Tensor;
import dev.adjoint.op.Conv2dSpec;
import dev.adjoint.op.BinaryOp;
import dev.adjoint.openvino.ir.OpType;
import dev.adjoint.openvino.ir.ShapeRules;
import dev.adjoint.openvino.ir.ShapeRules.Rounding;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BinaryOperator;
import java.util.function.UnaryOperator;

/**
 * How each IR op version runs: one entry per op type and version, naming the Tensor ops it runs. This is the one
 * place the engine maps IR to computation, so that it can later become "one mapping per op, shared with the
 * compile-time IR emitter". Longer compositions are functions in {@link Windows}, {@link TensorMath},
 * {@link Normalization}, {@link Interpolation} and {@link ShapeKernels}; the ops the Tensor API cannot express
 * reasonably (PriorBox, PriorBoxClustered, DetectionOutput's non-maximum suppression) are host-side reference kernels
 * in the {@code host} package, reached through {@link Detection}.
 *
 * <p>Parameter, Constant, Result, ReadValue and Assign are not here: the compiler and the request handle them.
 */
final class OpTable {
    private static final OpTable STANDARD = new OpTable();

    private final Map<OpType, Kernel> kernels = new LinkedHashMap<>();

    private OpTable() {
        elementwise();
        activations();
        linearAlgebra();
        windows();
        shapes();
        reductions();
        normalization();
        interpolation();
        detection();
    }

    static OpTable standard() {
        return STANDARD;
    }

    Kernel kernel(OpType type) {
        return kernels.get(type);
    }

    Set<OpType> supported() {
        return Collections.unmodifiableSet(kernels.keySet());
    }

    void put(String name, int version, Kernel kernel) {
        if (kernels.put(new OpType(name, version), kernel) != null) {
            throw new IllegalStateException("two kernels for " + name + "-" + version);
        }
    }

    /** A one-output kernel. */
    void single(String name, int version, SingleKernel kernel) {
        put(name, version, (layer, in) -> List.of(kernel.run(layer, in)));
    }

    @FunctionalInterface
    interface SingleKernel {
        Tensor run(Layer layer, List<OvTensor> inputs);
    }

    private void unary(String name, int version, UnaryOperator<Tensor> f) {
        single(name, version, (l, in) -> f.apply(in.get(0).tensor()));
    }

    private void binary(String name, int version, BinaryOperator<Tensor> f) {
        single(name, version, (l, in) -> f.apply(in.get(0).tensor(), in.get(1).tensor()));
    }

    static Tensor t(List<OvTensor> in, int i) {
        return in.get(i).tensor();
    }

    /** The values of a small integer input (axes, shapes, pads) on the host. */
    static long[] longs(List<OvTensor> in, int i) {
        return in.get(i).tensor().toLongArray();
    }

    static int[] ints(long[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Math.toIntExact(values[i]);
        }
        return out;
    }

    /** Axes normalised against {@code rank}, sorted, each once. */
    static int[] axes(long[] values, int rank) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = ShapeRules.normalizeAxis(values[i], rank, "axis");
        }
        // A loop, not a stream: kernels run once per inference, too rarely for the JIT to compile a
        // stream pipeline, which then costs 70-210 us interpreted (measured on a global average pool).
        Arrays.sort(out);
        int distinct = 0;
        for (int i = 0; i < out.length; i++) {
            if (i == 0 || out[i] != out[i - 1]) {
                out[distinct++] = out[i];
            }
        }
        return distinct == out.length ? out : Arrays.copyOf(out, distinct);
    }

    /** The values of a list attribute as an array (a loop, not a stream: see {@link #axes}). */
    static long[] longArray(List<Long> values) {
        long[] out = new long[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    /** A shape {@code [1, C, 1, ...]} for a per-channel vector against data of {@code rank}. */
    static Tensor perChannel(Tensor v, int rank) {
        int[] dims = new int[rank];
        Arrays.fill(dims, 1);
        dims[1] = (int) v.size();
        return v.reshape(dims);
    }

    // ---- element-wise arithmetic, comparison, logic ----

    private void elementwise() {
        // The ops that are one Tensor op each come from the table the IR emitter maps the other way.
        ElementwiseIr.binaryByIrName().forEach((name, op) -> {
            if (op != BinaryOp.DIV) {
                binary(name, ElementwiseIr.version(name), (a, b) -> a.binary(op, b));
            }
        });
        ElementwiseIr.unaryByIrName().forEach((name, op) -> unary(name, ElementwiseIr.version(name), x -> x.unary(op)));
        single("Divide", 1, (l, in) -> {
            Tensor a = t(in, 0);
            Tensor b = t(in, 1);
            if (a.dtype().isFloating()) {
                return a.div(b);
            }
            requireNoZero(b);
            return TensorMath.integerDivide(a, b, l.getBool("m_pythondiv"));
        });
        binary("SquaredDifference", 0, (a, b) -> a.sub(b).square());
        single("FloorMod", 1, (l, in) -> {
            if (!t(in, 1).dtype().isFloating()) {
                requireNoZero(t(in, 1));
            }
            return TensorMath.floorMod(t(in, 0), t(in, 1));
        });
        single("Mod", 1, (l, in) -> {
            if (!t(in, 1).dtype().isFloating()) {
                requireNoZero(t(in, 1));
            }
            return TensorMath.truncMod(t(in, 0), t(in, 1));
        });
        single("Select", 1, (l, in) -> Tensor.where(t(in, 0), t(in, 1), t(in, 2)));
        // Convert: the engine converts every result to its declared type (truncation, wrapping, f16 rounding).
        unary("Convert", 0, x -> x);
        unary("Floor", 0, TensorMath::floor);
        unary("Ceiling", 0, TensorMath::ceil);
    }

    private static void requireNoZero(Tensor divisor) {
        if (divisor.size() > 0 && divisor.eq(0L).max().toBooleanArray()[0]) {
            throw new IllegalArgumentException("integer division by zero");
        }
    }

    // ---- activations ----

    private void activations() {
        single("PRelu", 0, (l, in) -> {
            Tensor x = t(in, 0);
            Tensor slope = t(in, 1);
            // A 1-D slope as long as the channel axis (axis 1, or 0 for 1-D data) applies per channel.
            int channel = x.rank() > 1 ? 1 : 0;
            if (slope.rank() == 1 && x.rank() > 0 && x.dim(channel) == slope.dim(0) && x.rank() > 1) {
                slope = perChannel(slope, x.rank());
            }
            return Tensor.where(x.lt(0L), x.mul(slope), x);
        });
        single("Elu", 0, (l, in) -> {
            Tensor x = t(in, 0);
            return Tensor.where(x.gt(0.0), x, x.exp().sub(1.0).mul(l.getDouble("alpha")));
        });
        unary("HSigmoid", 5, x -> x.add(3.0).clip(0.0, 6.0).div(6.0));
        unary("HSwish", 4, x -> x.mul(x.add(3.0).clip(0.0, 6.0).div(6.0)));
        unary("Mish", 4, x -> x.mul(x.softplus().tanh()));
        single("Swish", 4, (l, in) -> {
            Tensor x = t(in, 0);
            Tensor scaled = in.size() > 1 ? x.mul(t(in, 1).reshape()) : x;
            return x.mul(scaled.sigmoid());
        });
        unary("Gelu", 2, Tensor::gelu);
        single("Gelu", 7, (l, in) -> l.getString("approximation_mode").equals("TANH")
                ? Normalization.geluTanh(t(in, 0)) : t(in, 0).gelu());
        single("Clamp", 0, (l, in) -> {
            Tensor x = t(in, 0);
            double min = l.getDouble("min");
            double max = l.getDouble("max");
            if (x.dtype().isFloating()) {
                return x.clip(min, max);
            }
            // As OpenVINO: integer data clamps to the integers inside [min, max].
            return x.clip((long) Math.ceil(min), (long) Math.floor(max));
        });
    }

    // ---- linear algebra, softmax ----

    private void linearAlgebra() {
        single("MatMul", 0, (l, in) -> {
            Tensor a = t(in, 0);
            Tensor b = t(in, 1);
            // The kernel reads a transposed operand through its strides: a transposed copy of a classifier's
            // weight (1000 x 512 floats) cost ~3 ms per inference, 60 times the product itself.
            return Tensor.matmul(a, l.getBool("transpose_a") && a.rank() >= 2, b,
                    l.getBool("transpose_b") && b.rank() >= 2);
        });
        single("Softmax", 1, (l, in) -> t(in, 0).softmax((int) l.getLong("axis")));
        single("Softmax", 8, (l, in) -> t(in, 0).softmax((int) l.getLong("axis")));
        single("LogSoftmax", 5, (l, in) -> t(in, 0).logSoftmax((int) l.getLong("axis")));
    }

    // ---- convolution and pooling ----

    private void windows() {
        single("Convolution", 1, (l, in) -> convolution(l, t(in, 0), t(in, 1), null));
        single("GroupConvolution", 1, (l, in) -> convolution(l, t(in, 0), t(in, 1), null));
        put("MaxPool", 1, (l, in) -> maxPool(l, in, false));
        put("MaxPool", 8, (l, in) -> maxPool(l, in, true));
        put("MaxPool", 14, (l, in) -> maxPool(l, in, true));
        single("AvgPool", 1, OpTable::avgPool);
        single("AvgPool", 14, OpTable::avgPool);
        single("ConvolutionBackpropData", 1, (l, in) -> Windows.convolutionBackpropData(l, t(in, 0), t(in, 1),
                in.size() > 2 ? longs(in, 2) : null));
    }

    /**
     * Convolution-1 or GroupConvolution-1 (by {@code l}'s type) of {@code x} with {@code w}, with the bias and clamp
     * {@link EpilogueFusion} folded into it when {@code epilogue} is not null.
     */
    static Tensor convolution(Layer l, Tensor x, Tensor w, Windows.Epilogue epilogue) {
        Tensor filters = groupedFilters(l, w);
        return Windows.convolution(x, filters, convGeometry(l, x, filters, 2), groups(l, w), epilogue);
    }

    /** The filters as {@code conv2d} takes them: a GroupConvolution's {@code G x O x I x ...} merged to {@code GO}. */
    private static Tensor groupedFilters(Layer l, Tensor w) {
        if (!l.node().is("GroupConvolution")) {
            return w;
        }
        int[] d = w.shape().dims();
        int[] merged = new int[d.length - 1];
        merged[0] = d[0] * d[1];
        System.arraycopy(d, 2, merged, 1, d.length - 2);
        return w.reshape(merged);
    }

    private static int groups(Layer l, Tensor w) {
        return l.node().is("GroupConvolution") ? w.dim(0) : 1;
    }

    /**
     * One convolution layer's kernel that keeps what it derives between inferences: the geometry for the last input
     * shape, and, when the filters are a constant, their grouped form, made once here at compile time (so outside any
     * scope an inference runs in). Derived on every inference (the attributes read from their map, the filters
     * reshaped, the geometry rebuilt), they took about 0.5% of MobileNet-v2's time (JFR), mostly waiting on the cache
     * lines of objects the previous layer's kernel had evicted. Immutable snapshots in a volatile field keep it safe
     * for requests running at once.
     */
    static final class PreparedConvolution {
        private final Layer layer;
        private final Tensor constantFilters;
        private final Tensor groupedConstant;
        private volatile Snapshot last;

        /** The geometry for input {@code x}'s shape and filters {@code filters} (compared by identity). */
        private record Snapshot(int[] xDims, Tensor filters, Windows.Geometry geometry) {
        }

        /** {@code filters}: the layer's constant filters, or null when they are computed by the model. */
        PreparedConvolution(Layer layer, Tensor filters) {
            this.layer = layer;
            this.constantFilters = filters;
            this.groupedConstant = filters == null ? null : groupedFilters(layer, filters);
        }

        /** The constant filters in {@code conv2d}'s layout (groups merged into the first axis); null if computed. */
        Tensor constantFilters() {
            return groupedConstant;
        }

        /**
         * The layer as one {@code conv2d} of constant filters on an input of {@code xDims} (N, C, H, W); null when
         * the filters are computed, the layer is not 2-d, or its pads are negative (they crop the input first).
         */
        Conv2dSpec spec2d(int[] xDims) {
            if (groupedConstant == null || xDims.length != 4 || groupedConstant.rank() != 4) {
                return null;
            }
            Windows.Geometry g = convGeometry(layer, new long[] {xDims[2], xDims[3]}, groupedConstant, 2);
            for (int i = 0; i < 2; i++) {
                if (g.padsBegin()[i] < 0 || g.padsEnd()[i] < 0) {
                    return null;
                }
            }
            return Windows.spec2d(g, g.padsBegin(), g.padsEnd(), groups(layer, constantFilters));
        }

        Tensor run(Tensor x, Tensor w, Windows.Epilogue epilogue) {
            Tensor filters = w == constantFilters ? groupedConstant : groupedFilters(layer, w);
            int[] xDims = x.shape().dims();
            Snapshot s = last;
            if (s == null || s.filters != filters || !Arrays.equals(s.xDims, xDims)) {
                s = new Snapshot(xDims, filters, convGeometry(layer, x, filters, 2));
                last = s;
            }
            return Windows.convolution(x, filters, s.geometry, groups(layer, w), epilogue);
        }
    }

    static Windows.Geometry convGeometry(Layer l, Tensor x, Tensor w, int kernelFrom) {
        return convGeometry(l, Windows.spatialDims(x), w, kernelFrom);
    }

    /** As the form above, for an input of spatial lengths {@code in}. */
    private static Windows.Geometry convGeometry(Layer l, long[] in, Tensor w, int kernelFrom) {
        long[] kernel = new long[in.length];
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] = w.dim(kernelFrom + i);
        }
        return Windows.geometry(in, kernel, l.getLongs("strides"), l.getLongs("dilations"), l.getLongs("pads_begin"),
                l.getLongs("pads_end"), l.getString("auto_pad"), Rounding.FLOOR);
    }

    private static Windows.Geometry poolGeometry(Layer l, Tensor x, long[] kernel) {
        Rounding rounding = switch (l.getString("rounding_type")) {
            case "ceil" -> Rounding.CEIL;
            case "ceil_torch" -> Rounding.CEIL_TORCH;
            default -> Rounding.FLOOR;
        };
        List<Long> dilations = l.attrs().has("dilations") ? l.getLongs("dilations") : List.of();
        return Windows.geometry(Windows.spatialDims(x), kernel, l.getLongs("strides"), dilations,
                l.getLongs("pads_begin"), l.getLongs("pads_end"), l.getString("auto_pad"), rounding);
    }

    private static List<Tensor> maxPool(Layer l, List<OvTensor> in, boolean withIndices) {
        Tensor x = t(in, 0);
        long[] kernel = longArray(l.getLongs("kernel"));
        Windows.Geometry g = poolGeometry(l, x, kernel);
        boolean indices = withIndices && l.outputUsed(1);
        int axis = indices ? ShapeRules.normalizeAxis(l.getLong("axis"), x.rank(), "axis") : -1;
        List<Tensor> out = Windows.maxPool(x, kernel, g, axis);
        if (withIndices && !indices) {
            // Nobody reads the indices: skip them (and the slower window walk they need).
            return java.util.Arrays.asList(out.get(0), null);
        }
        return out;
    }

    private static Tensor avgPool(Layer l, List<OvTensor> in) {
        Tensor x = t(in, 0);
        long[] kernel = longArray(l.getLongs("kernel"));
        return Windows.avgPool(x, kernel, poolGeometry(l, x, kernel), l.getBool("exclude-pad"));
    }

    // ---- shapes and data movement ----

    private void shapes() {
        single("Reshape", 1, (l, in) -> {
            Tensor x = t(in, 0);
            return x.reshape(ShapeKernels.reshapeTarget(x.shape().dims(), longs(in, 1), l.getBool("special_zero")));
        });
        single("Transpose", 1, (l, in) -> {
            Tensor x = t(in, 0);
            long[] order = longs(in, 1);
            if (order.length == 0) {
                return x.transpose();
            }
            if (order.length != x.rank()) {
                throw l.fail("order " + Arrays.toString(order) + " does not permute rank " + x.rank());
            }
            return x.permute(ints(order));
        });
        single("Squeeze", 0, (l, in) -> ShapeKernels.squeeze(t(in, 0), in.size() > 1 ? longs(in, 1) : null, false));
        single("Squeeze", 15, (l, in) -> ShapeKernels.squeeze(t(in, 0), in.size() > 1 ? longs(in, 1) : null,
                l.getBool("allow_axis_skip")));
        single("Unsqueeze", 0, (l, in) -> ShapeKernels.unsqueeze(t(in, 0), longs(in, 1)));
        unary("ShapeOf", 0, ShapeKernels::shapeOf);
        unary("ShapeOf", 3, ShapeKernels::shapeOf);
        single("Tile", 0, (l, in) -> ShapeKernels.tile(t(in, 0), longs(in, 1)));
        single("Broadcast", 1, (l, in) -> ShapeKernels.broadcast(t(in, 0), longs(in, 1), l.getString("mode"),
                in.size() > 2 ? longs(in, 2) : null));
        single("Broadcast", 3, (l, in) -> ShapeKernels.broadcast(t(in, 0), longs(in, 1), l.getString("mode"),
                in.size() > 2 ? longs(in, 2) : null));
        single("Pad", 1, ShapeKernels::pad);
        single("Pad", 12, ShapeKernels::pad);
        single("StridedSlice", 1, (l, in) -> ShapeKernels.stridedSlice(t(in, 0), longs(in, 1), longs(in, 2),
                in.size() > 3 ? longs(in, 3) : null, l.getLongs("begin_mask"), l.getLongs("end_mask"),
                l.getLongs("new_axis_mask"), l.getLongs("shrink_axis_mask"), l.getLongs("ellipsis_mask")));
        single("Slice", 8, (l, in) -> ShapeKernels.slice(t(in, 0), longs(in, 1), longs(in, 2), longs(in, 3),
                in.size() > 4 ? longs(in, 4) : null));
        single("Concat", 0, (l, in) -> {
            Tensor[] parts = new Tensor[in.size()];
            for (int i = 0; i < parts.length; i++) {
                parts[i] = t(in, i);
            }
            return Tensor.concat((int) l.getLong("axis"), parts);
        });
        single("Gather", 1, (l, in) -> ShapeKernels.gather(t(in, 0), t(in, 1), longs(in, 2), 0));
        single("Gather", 7, (l, in) -> ShapeKernels.gather(t(in, 0), t(in, 1), longs(in, 2), l.getLong("batch_dims")));
        single("Gather", 8, (l, in) -> ShapeKernels.gather(t(in, 0), t(in, 1), longs(in, 2), l.getLong("batch_dims")));
        put("Split", 1, (l, in) -> {
            Tensor x = t(in, 0);
            int axis = ShapeRules.normalizeAxis(singleValue(longs(in, 1), "axis"), x.rank(), "axis");
            return x.split((int) l.getLong("num_splits"), axis);
        });
        put("VariadicSplit", 1, (l, in) -> ShapeKernels.variadicSplit(t(in, 0), singleValue(longs(in, 1), "axis"),
                longs(in, 2)));
    }

    static long singleValue(long[] values, String what) {
        if (values.length != 1) {
            throw new IllegalArgumentException(what + " must hold one value, got " + Arrays.toString(values));
        }
        return values[0];
    }

    // ---- reductions ----

    private void reductions() {
        reduce("ReduceSum", 1, (x, a, k) -> x.sum(a, k));
        reduce("ReduceMean", 1, (x, a, k) -> x.cast(x.dtype().toFloating()).mean(a, k));
        reduce("ReduceMax", 1, (x, a, k) -> x.max(a, k));
        reduce("ReduceMin", 1, (x, a, k) -> x.min(a, k));
        reduce("ReduceProd", 1, (x, a, k) -> x.prod(a, k));
        reduce("ReduceL1", 4, (x, a, k) -> x.abs().sum(a, k));
        reduce("ReduceL2", 4, (x, a, k) -> x.cast(x.dtype().toFloating()).square().sum(a, k).sqrt());
    }

    @FunctionalInterface
    interface Reduction {
        Tensor apply(Tensor x, int[] axes, boolean keepDims);
    }

    void reduce(String name, int version, Reduction r) {
        single(name, version, (l, in) -> {
            Tensor x = t(in, 0);
            int[] axes = axes(longs(in, 1), Math.max(1, x.rank()));
            if (x.rank() == 0 || axes.length == 0) {
                return x;
            }
            return r.apply(x, axes, l.getBool("keep_dims"));
        });
    }

    // ---- normalization ----

    private void normalization() {
        single("BatchNormInference", 0, (l, in) -> batchNorm(t(in, 2), t(in, 0), t(in, 1), t(in, 3), t(in, 4),
                l.getDouble("epsilon")));
        single("BatchNormInference", 5, (l, in) -> batchNorm(t(in, 0), t(in, 1), t(in, 2), t(in, 3), t(in, 4),
                l.getDouble("epsilon")));
        single("MVN", 0, (l, in) -> {
            Tensor x = t(in, 0);
            int[] axes;
            if (l.attrs().has("reduction_axes")) {
                axes = axes(longArray(l.getLongs("reduction_axes")), x.rank());
            } else {
                int from = l.getBool("across_channels") ? 1 : 2;
                axes = new int[x.rank() - Math.min(from, x.rank())];
                for (int i = 0; i < axes.length; i++) {
                    axes[i] = x.rank() - axes.length + i;
                }
            }
            return Normalization.mvn(x, axes, l.getBool("normalize_variance"), l.getDouble("eps"), true);
        });
        single("MVN", 6, (l, in) -> Normalization.mvn(t(in, 0), axes(longs(in, 1), t(in, 0).rank()),
                l.getBool("normalize_variance"), l.getDouble("eps"), l.getString("eps_mode").equals("inside_sqrt")));
        single("NormalizeL2", 0, (l, in) -> Normalization.normalizeL2(t(in, 0), axes(longs(in, 1), t(in, 0).rank()),
                l.getDouble("eps"), l.getString("eps_mode").equals("add")));
        single("LRN", 0, (l, in) -> Normalization.lrn(t(in, 0), axes(longs(in, 1), t(in, 0).rank()),
                l.getDouble("alpha"), l.getDouble("beta"), l.getDouble("bias"), (int) l.getLong("size")));
        single("FakeQuantize", 0, (l, in) -> Normalization.fakeQuantize(t(in, 0), t(in, 1), t(in, 2), t(in, 3),
                t(in, 4), l.getLong("levels")));
    }

    // ---- resizing ----

    private void interpolation() {
        single("Interpolate", 0, Interpolation::interpolate0);
        single("Interpolate", 4, (l, in) -> Interpolation.interpolate(l, in, false));
        single("Interpolate", 11, (l, in) -> Interpolation.interpolate(l, in, true));
    }

    // ---- detection: host-side reference kernels ----

    private void detection() {
        single("PriorBox", 0, (l, in) -> Detection.priorBox(l, in, false));
        single("PriorBox", 8, (l, in) -> Detection.priorBox(l, in, true));
        single("PriorBoxClustered", 0, Detection::priorBoxClustered);
        single("DetectionOutput", 0, (l, in) -> Detection.detectionOutput(l, in, true));
        single("DetectionOutput", 8, (l, in) -> Detection.detectionOutput(l, in, false));
    }

    /** {@code (x - mean) / sqrt(variance + eps) * gamma + beta}, per channel (axis 1). */
    private static Tensor batchNorm(Tensor x, Tensor gamma, Tensor beta, Tensor mean, Tensor variance, double eps) {
        int rank = x.rank();
        Tensor scale = perChannel(gamma, rank).div(perChannel(variance, rank).add(eps).sqrt());
        return x.sub(perChannel(mean, rank)).mul(scale).add(perChannel(beta, rank));
    }

    static Slice[] all(int rank) {
        Slice[] s = new Slice[rank];
        Arrays.fill(s, Slice.all());
        return s;
    }
}
