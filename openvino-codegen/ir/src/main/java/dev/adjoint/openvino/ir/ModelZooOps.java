package dev.adjoint.openvino.ir;

import static dev.adjoint.openvino.ir.AttributeSpec.bool;
import static dev.adjoint.openvino.ir.AttributeSpec.choice;
import static dev.adjoint.openvino.ir.AttributeSpec.integer;
import static dev.adjoint.openvino.ir.AttributeSpec.integers;
import static dev.adjoint.openvino.ir.AttributeSpec.real;
import static dev.adjoint.openvino.ir.AttributeSpec.reals;
import static dev.adjoint.openvino.ir.AttributeSpec.requiredInteger;
import static dev.adjoint.openvino.ir.AttributeSpec.requiredReal;
import static dev.adjoint.openvino.ir.OpDefinition.define;
import static dev.adjoint.openvino.ir.OpRegistry.MAX_OPSET;

import dev.adjoint.openvino.ir.AttributeSpec.Kind;
import dev.adjoint.openvino.ir.AttributeSpec.Presence;
import dev.adjoint.openvino.ir.ShapeRules.AutoPad;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The ops Open Model Zoo classification networks and SSD-style detectors use beyond the core set in {@link Ops}:
 * more activations, LogSoftmax, StridedSlice, Interpolate, L1/L2 reductions, MVN, NormalizeL2, LRN,
 * ConvolutionBackpropData, FakeQuantize, PriorBox, PriorBoxClustered and DetectionOutput. Attributes and defaults
 * follow the op specs; the inference rules follow OpenVINO's shape inference.
 */
final class ModelZooOps {
    private ModelZooOps() {
    }

    private static final String[] PAD_TYPES = {"explicit", "notset", "valid", "same_upper", "same_lower"};

    static void addTo(List<OpDefinition> ops) {
        activations(ops);
        ops.add(define("LogSoftmax", 5).opsets(5, MAX_OPSET).inputs(1).attr(integer("axis", 1)).single(c -> {
            requireReal(c, 0);
            if (c.input(0).shape().isRankStatic()) {
                ShapeRules.normalizeAxis(c.attributes().getLong("axis"), c.input(0).shape().rank(), "axis");
            }
            return c.input(0);
        }).build());
        for (String name : new String[] {"ReduceL1", "ReduceL2"}) {
            ops.add(define(name, 4).opsets(4, MAX_OPSET).inputs(2).attr(bool("keep_dims", false))
                    .single(Ops::reduce).build());
        }
        ops.add(define("StridedSlice", 1).inputs(3, 4)
                .attr(integers("begin_mask", null)).attr(integers("end_mask", null))
                .attr(integers("new_axis_mask", List.of())).attr(integers("shrink_axis_mask", List.of()))
                .attr(integers("ellipsis_mask", List.of()))
                .single(ModelZooOps::stridedSlice).build());
        interpolate(ops);
        normalization(ops);
        ops.add(define("ConvolutionBackpropData", 1).inputs(2, 3)
                .attr(integers("strides", List.of())).attr(integers("dilations", List.of()))
                .attr(integers("pads_begin", List.of())).attr(integers("pads_end", List.of()))
                .attr(choice("auto_pad", "explicit", PAD_TYPES)).attr(integers("output_padding", List.of()))
                .single(ModelZooOps::convolutionBackpropData).build());
        ops.add(define("FakeQuantize", 0).inputs(5).attr(requiredInteger("levels"))
                .attr(choice("auto_broadcast", "numpy", "none", "numpy", "pdpd"))
                .single(ModelZooOps::fakeQuantize).build());
        detection(ops);
    }

    // ---- activations ----

    private static void activations(List<OpDefinition> ops) {
        ops.add(define("Elu", 0).inputs(1).attr(requiredReal("alpha")).single(c -> realInput(c, 0)).build());
        ops.add(define("HSigmoid", 5).opsets(5, MAX_OPSET).inputs(1).single(c -> realInput(c, 0)).build());
        ops.add(define("HSwish", 4).opsets(4, MAX_OPSET).inputs(1).single(c -> realInput(c, 0)).build());
        ops.add(define("Mish", 4).opsets(4, MAX_OPSET).inputs(1).single(c -> realInput(c, 0)).build());
        ops.add(define("Swish", 4).opsets(4, MAX_OPSET).inputs(1, 2).single(c -> {
            if (c.inputCount() == 2) {
                ShapeRules.sameType(c.inputs(), 0, 1);
                PartialShape beta = c.input(1).shape();
                if (beta.isRankStatic() && !(beta.rank() == 0 || beta.rank() == 1 && beta.get(0).contains(1))) {
                    throw new IllegalArgumentException("beta must be a scalar, got " + beta);
                }
            }
            return realInput(c, 0);
        }).build());
        ops.add(define("Gelu", 2).opsets(2, 6).inputs(1).single(c -> realInput(c, 0)).build());
        ops.add(define("Gelu", 7).opsets(7, MAX_OPSET).inputs(1).attr(choice("approximation_mode", "ERF", "ERF", "TANH"))
                .single(c -> realInput(c, 0)).build());
    }

    private static PortType realInput(InferenceContext c, int i) {
        requireReal(c, i);
        return c.input(i);
    }

    private static void requireReal(InferenceContext c, int i) {
        if (!c.input(i).type().isReal()) {
            throw new IllegalArgumentException("input " + i + " must be floating point, got " + c.input(i).type());
        }
    }

    // ---- StridedSlice ----

    private static PortType stridedSlice(InferenceContext c) {
        for (int i = 1; i < c.inputCount(); i++) {
            Ops.requireIntegerVector(c, i, new String[] {"", "begin", "end", "stride"}[i]);
        }
        PortType in = c.input(0);
        Attributes a = c.attributes();
        Optional<long[]> begin = c.constantValues(1);
        Optional<long[]> end = c.constantValues(2);
        Optional<long[]> stride = c.inputCount() == 4 ? c.constantValues(3) : Optional.empty();
        if (stride.isPresent()) {
            for (long s : stride.get()) {
                if (s == 0) {
                    throw new IllegalArgumentException("stride must not be 0");
                }
            }
        }
        if (in.shape().isRankDynamic() || begin.isEmpty() || end.isEmpty()
                || (c.inputCount() == 4 && stride.isEmpty())) {
            return new PortType(in.type(), PartialShape.dynamicRank());
        }
        long[] b = begin.get();
        long[] e = end.get();
        long[] s = stride.orElse(null);
        if (e.length != b.length || (s != null && s.length != b.length)) {
            throw new IllegalArgumentException("begin " + Arrays.toString(b) + ", end " + Arrays.toString(e)
                    + " and stride must have the same length");
        }
        List<Long> beginMask = a.getLongs("begin_mask");
        List<Long> endMask = a.getLongs("end_mask");
        List<Long> newAxis = a.getLongs("new_axis_mask");
        List<Long> shrink = a.getLongs("shrink_axis_mask");
        List<Long> ellipsis = a.getLongs("ellipsis_mask");
        int rank = in.shape().rank();
        int named = 0;
        int ellipsisAt = -1;
        for (int i = 0; i < b.length; i++) {
            if (bit(ellipsis, i)) {
                if (ellipsisAt >= 0) {
                    throw new IllegalArgumentException("ellipsis_mask has more than one bit set");
                }
                ellipsisAt = i;
            } else if (!bit(newAxis, i)) {
                named++;
            }
        }
        if (named > rank) {
            throw new IllegalArgumentException("slicing " + named + " axes of a tensor of rank " + rank);
        }
        List<Dimension> out = new ArrayList<>();
        int axis = 0;
        for (int i = 0; i < b.length; i++) {
            if (i == ellipsisAt) {
                for (int k = 0; k < rank - named; k++) {
                    out.add(in.shape().get(axis++));
                }
            } else if (bit(newAxis, i)) {
                out.add(Dimension.of(1));
            } else {
                Dimension d = in.shape().get(axis++);
                long st = s == null ? 1 : s[i];
                if (bit(shrink, i)) {
                    if (d.isStatic()) {
                        long idx = b[i] < 0 ? b[i] + d.length() : b[i];
                        if (idx < 0 || idx >= d.length()) {
                            throw new IllegalArgumentException("index " + b[i] + " is out of bounds for axis "
                                    + (axis - 1) + " of " + in.shape());
                        }
                    }
                    continue;
                }
                if (!d.isStatic()) {
                    out.add(Dimension.bounded(0, d.max()));
                    continue;
                }
                long n = d.length();
                long lo = bit(beginMask, i) ? (st > 0 ? 0 : n - 1) : b[i];
                long hi = bit(endMask, i) ? (st > 0 ? n : -n - 1) : e[i];
                out.add(Dimension.of(Ops.sliceLength(n, lo, hi, st)));
            }
        }
        while (axis < rank) {
            out.add(in.shape().get(axis++));
        }
        return new PortType(in.type(), PartialShape.of(out));
    }

    private static boolean bit(List<Long> mask, int i) {
        return i < mask.size() && mask.get(i) != 0;
    }

    // ---- Interpolate ----

    private static final String[] COORDINATE_MODES = {"half_pixel", "pytorch_half_pixel", "asymmetric",
        "tf_half_pixel_for_nn", "align_corners"};
    private static final String[] NEAREST_MODES = {"round_prefer_floor", "round_prefer_ceil", "floor", "ceil",
        "simple"};

    private static void interpolate(List<OpDefinition> ops) {
        ops.add(define("Interpolate", 0).opsets(1, 3).inputs(2)
                .attr(integers("axes", null)).attr(choice("mode", null, "nearest", "linear", "cubic", "area"))
                .attr(bool("align_corners", false)).attr(bool("antialias", false))
                .attr(integers("pads_begin", List.of(0L))).attr(integers("pads_end", List.of(0L)))
                .single(ModelZooOps::interpolate0).build());
        ops.add(interpolateAttrs(define("Interpolate", 4).opsets(4, 10).inputs(3, 4), false)
                .single(c -> interpolate(c, false)).build());
        ops.add(interpolateAttrs(define("Interpolate", 11).opsets(11, MAX_OPSET).inputs(2, 3), true)
                .single(c -> interpolate(c, true)).build());
    }

    private static OpDefinition.Builder interpolateAttrs(OpDefinition.Builder b, boolean v11) {
        String[] modes = v11 ? new String[] {"nearest", "linear", "linear_onnx", "cubic", "bilinear_pillow",
            "bicubic_pillow"} : new String[] {"nearest", "linear", "linear_onnx", "cubic"};
        return b.attr(choice("mode", null, modes)).attr(choice("shape_calculation_mode", null, "sizes", "scales"))
                .attr(choice("coordinate_transformation_mode", "half_pixel", COORDINATE_MODES))
                .attr(choice("nearest_mode", "round_prefer_floor", NEAREST_MODES)).attr(bool("antialias", false))
                .attr(integers("pads_begin", List.of(0L))).attr(integers("pads_end", List.of(0L)))
                .attr(real("cube_coeff", -0.75));
    }

    private static PortType interpolate0(InferenceContext c) {
        Ops.requireIntegerVector(c, 1, "the target spatial shape");
        PortType in = c.input(0);
        if (in.shape().isRankDynamic()) {
            return new PortType(in.type(), PartialShape.dynamicRank());
        }
        int rank = in.shape().rank();
        List<Long> axes = c.attributes().getLongs("axes");
        List<Dimension> out = new ArrayList<>(paddedDims(c, in.shape()));
        Optional<long[]> target = c.constantValues(1);
        if (target.isPresent() && target.get().length != axes.size()) {
            throw new IllegalArgumentException("the target spatial shape " + Arrays.toString(target.get())
                    + " must have one value per axis in " + axes);
        }
        for (int i = 0; i < axes.size(); i++) {
            int a = ShapeRules.normalizeAxis(axes.get(i), rank, "axis");
            out.set(a, target.isPresent() ? Dimension.of(nonNegative(target.get()[i])) : Dimension.dynamic());
        }
        return new PortType(in.type(), PartialShape.of(out));
    }

    private static PortType interpolate(InferenceContext c, boolean v11) {
        PortType in = c.input(0);
        Attributes a = c.attributes();
        boolean bySizes = a.getString("shape_calculation_mode").equals("sizes");
        int axesInput = v11 ? 2 : 3;
        int valuesInput = v11 ? 1 : (bySizes ? 1 : 2);
        if (!v11) {
            Ops.requireIntegerVector(c, 1, "sizes");
            if (!c.input(2).type().isReal()) {
                throw new IllegalArgumentException("scales (input 2) must be floating point, got " + c.input(2).type());
            }
        } else if (bySizes != c.input(1).type().isInteger()) {
            throw new IllegalArgumentException("shape_calculation_mode " + a.getString("shape_calculation_mode")
                    + " needs " + (bySizes ? "integer sizes" : "floating-point scales") + " as input 1, got "
                    + c.input(1).type());
        }
        if (c.inputCount() > axesInput) {
            Ops.requireIntegerVector(c, axesInput, "axes");
        }
        if (in.shape().isRankDynamic()) {
            return new PortType(in.type(), PartialShape.dynamicRank());
        }
        int rank = in.shape().rank();
        List<Dimension> padded = paddedDims(c, in.shape());
        long[] axes;
        if (c.inputCount() > axesInput) {
            Optional<long[]> given = c.constantValues(axesInput);
            if (given.isEmpty()) {
                return new PortType(in.type(), PartialShape.dynamic(rank));
            }
            axes = given.get();
        } else {
            axes = new long[rank];
            for (int i = 0; i < rank; i++) {
                axes[i] = i;
            }
        }
        List<Dimension> out = new ArrayList<>(padded);
        if (bySizes) {
            Optional<long[]> sizes = c.constantValues(valuesInput);
            for (int i = 0; i < axes.length; i++) {
                int ax = ShapeRules.normalizeAxis(axes[i], rank, "axis");
                if (sizes.isPresent() && sizes.get().length != axes.length) {
                    throw new IllegalArgumentException("sizes " + Arrays.toString(sizes.get())
                            + " must have one value per axis " + Arrays.toString(axes));
                }
                out.set(ax, sizes.isPresent() ? Dimension.of(nonNegative(sizes.get()[i])) : Dimension.dynamic());
            }
        } else {
            Optional<double[]> scales = c.constantReals(valuesInput);
            if (scales.isPresent() && scales.get().length != axes.length) {
                throw new IllegalArgumentException("scales " + Arrays.toString(scales.get())
                        + " must have one value per axis " + Arrays.toString(axes));
            }
            for (int i = 0; i < axes.length; i++) {
                int ax = ShapeRules.normalizeAxis(axes[i], rank, "axis");
                if (scales.isEmpty()) {
                    out.set(ax, Dimension.dynamic());
                    continue;
                }
                // OpenVINO: (int64) (length * (scale + 1e-6)), in float.
                float scale = (float) scales.get()[i] + 1.0e-6f;
                if (!(scale > 0)) {
                    throw new IllegalArgumentException("scales " + Arrays.toString(scales.get()) + " must be positive");
                }
                out.set(ax, padded.get(ax).map(n -> (long) ((float) n * scale)));
            }
        }
        return new PortType(in.type(), PartialShape.of(out));
    }

    private static List<Dimension> paddedDims(InferenceContext c, PartialShape shape) {
        int rank = shape.rank();
        List<Long> pb = c.attributes().getLongs("pads_begin");
        List<Long> pe = c.attributes().getLongs("pads_end");
        List<Dimension> out = new ArrayList<>(rank);
        for (int i = 0; i < rank; i++) {
            long p = (i < pb.size() ? pb.get(i) : 0) + (i < pe.size() ? pe.get(i) : 0);
            out.add(shape.get(i).map(n -> Math.addExact(n, p)));
        }
        return out;
    }

    private static long nonNegative(long v) {
        if (v < 0) {
            throw new IllegalArgumentException("a target size must be >= 0, got " + v);
        }
        return v;
    }

    // ---- normalization ----

    private static AttributeSpec requiredBool(String name) {
        return new AttributeSpec(name, Kind.BOOL, null, Presence.REQUIRED, Set.of());
    }

    private static void normalization(List<OpDefinition> ops) {
        ops.add(define("MVN", 0).opsets(2, 5).inputs(1).attr(bool("across_channels", false))
                .attr(bool("normalize_variance", true)).attr(requiredReal("eps"))
                .attr(new AttributeSpec("reduction_axes", Kind.INTS, null, Presence.OPTIONAL, Set.of()))
                .single(c -> realInput(c, 0)).build());
        ops.add(define("MVN", 6).opsets(6, MAX_OPSET).inputs(2).attr(requiredBool("normalize_variance"))
                .attr(requiredReal("eps")).attr(choice("eps_mode", null, "inside_sqrt", "outside_sqrt"))
                .single(c -> axesOp(c)).build());
        ops.add(define("NormalizeL2", 0).inputs(2).attr(requiredReal("eps")).attr(choice("eps_mode", null, "add", "max"))
                .single(c -> axesOp(c)).build());
        ops.add(define("LRN", 0).inputs(2).attr(requiredReal("alpha")).attr(requiredReal("beta"))
                .attr(requiredReal("bias")).attr(requiredInteger("size"))
                .single(c -> {
                    if (c.attributes().getLong("size") < 1) {
                        throw new IllegalArgumentException("size must be >= 1, got " + c.attributes().getLong("size"));
                    }
                    return axesOp(c);
                }).build());
    }

    /** An op over data and an axes input that keeps the data's type and shape. */
    private static PortType axesOp(InferenceContext c) {
        requireReal(c, 0);
        Ops.requireIntegerVector(c, 1, "the axes");
        Optional<long[]> axes = c.constantValues(1);
        if (axes.isPresent() && c.input(0).shape().isRankStatic()) {
            int rank = c.input(0).shape().rank();
            for (long axis : axes.get()) {
                ShapeRules.normalizeAxis(axis, rank, "axis");
            }
        }
        return c.input(0);
    }

    // ---- ConvolutionBackpropData, FakeQuantize ----

    private static PortType convolutionBackpropData(InferenceContext c) {
        ElementType t = ShapeRules.sameType(c.inputs(), 0, 1);
        PartialShape data = c.input(0).shape();
        PartialShape filters = c.input(1).shape();
        if (data.isRankDynamic() && filters.isRankDynamic()) {
            return new PortType(t, PartialShape.dynamicRank());
        }
        int rank = data.isRankStatic() ? data.rank() : filters.rank();
        if (rank < 3) {
            throw new IllegalArgumentException("data must have rank >= 3 (N, C, spatial...), got " + rank);
        }
        PartialShape d = data.isRankStatic() ? data : PartialShape.dynamic(rank);
        PartialShape f = filters.isRankStatic() ? filters : PartialShape.dynamic(rank);
        if (f.rank() != rank) {
            throw new IllegalArgumentException("data " + data + " and filters " + filters + " differ in rank");
        }
        if (!d.get(1).compatible(f.get(0))) {
            throw new IllegalArgumentException("data channels " + d.get(1) + " do not match the filters' input"
                    + " channels " + f.get(0) + " (filters are [C_in, C_out, kernel...])");
        }
        int spatial = rank - 2;
        Attributes a = c.attributes();
        long[] strides = ShapeRules.spatialList(a.getLongs("strides"), spatial, 1, "strides", 1);
        long[] dilations = ShapeRules.spatialList(a.getLongs("dilations"), spatial, 1, "dilations", 1);
        long[] pb = ShapeRules.spatialList(a.getLongs("pads_begin"), spatial, 0, "pads_begin", Long.MIN_VALUE);
        long[] pe = ShapeRules.spatialList(a.getLongs("pads_end"), spatial, 0, "pads_end", Long.MIN_VALUE);
        long[] op = ShapeRules.spatialList(a.getLongs("output_padding"), spatial, 0, "output_padding", 0);
        AutoPad autoPad = AutoPad.of(a.getString("auto_pad"));
        List<Dimension> out = new ArrayList<>();
        out.add(d.get(0));
        out.add(f.get(1));
        if (c.inputCount() == 3) {
            Ops.requireIntegerVector(c, 2, "output_shape");
            Optional<long[]> shape = c.constantValues(2);
            if (shape.isPresent()) {
                if (shape.get().length != spatial) {
                    throw new IllegalArgumentException("output_shape " + Arrays.toString(shape.get())
                            + " must have one value per spatial axis (" + spatial + ")");
                }
                for (long v : shape.get()) {
                    out.add(Dimension.of(nonNegative(v)));
                }
            } else {
                for (int i = 0; i < spatial; i++) {
                    out.add(Dimension.dynamic());
                }
            }
            return new PortType(t, PartialShape.of(out));
        }
        for (int i = 0; i < spatial; i++) {
            Dimension in = d.get(2 + i);
            Dimension k = f.get(2 + i);
            final int axis = i;
            if (autoPad == AutoPad.SAME_UPPER || autoPad == AutoPad.SAME_LOWER) {
                out.add(in.map(n -> Math.addExact(Math.multiplyExact(n, strides[axis]), op[axis])));
            } else if (!k.isStatic()) {
                out.add(Dimension.dynamic());
            } else {
                long pads = autoPad == AutoPad.VALID ? 0 : Math.addExact(pb[i], pe[i]);
                long kernel = k.length();
                out.add(in.map(n -> n == 0 ? 0 : Math.addExact(Math.addExact(Math.multiplyExact(n - 1, strides[axis]),
                        Math.addExact(Math.multiplyExact(dilations[axis], kernel - 1), 1)) - pads, op[axis])));
            }
        }
        return new PortType(t, PartialShape.of(out));
    }

    private static PortType fakeQuantize(InferenceContext c) {
        requireReal(c, 0);
        ElementType t = ShapeRules.sameType(c.inputs(), 0, 1, 2, 3, 4);
        if (c.attributes().getLong("levels") < 2) {
            throw new IllegalArgumentException("levels must be >= 2, got " + c.attributes().getLong("levels"));
        }
        String mode = c.attributes().getString("auto_broadcast");
        PartialShape out = c.input(0).shape();
        for (int i = 1; i < 5; i++) {
            PartialShape merged = ShapeRules.broadcast(mode, out, c.input(i).shape());
            if (mode.equals("numpy") && out.isRankStatic() && merged.isRankStatic() && merged.rank() > out.rank()) {
                throw new IllegalArgumentException("input " + i + " " + c.input(i).shape()
                        + " has a higher rank than the data " + out);
            }
            out = mode.equals("numpy") && out.isRankStatic() ? out.merge(merged).orElse(merged) : merged;
        }
        return new PortType(t, out);
    }

    // ---- detection ----

    private static void detection(List<OpDefinition> ops) {
        ops.add(priorBoxAttrs(define("PriorBox", 0).opsets(1, 7), false).single(ModelZooOps::priorBox).build());
        ops.add(priorBoxAttrs(define("PriorBox", 8).opsets(8, MAX_OPSET), true).single(ModelZooOps::priorBox).build());
        ops.add(define("PriorBoxClustered", 0).inputs(2)
                .attr(reals("width", List.of())).attr(reals("height", List.of())).attr(bool("clip", true))
                .attr(real("step", 0)).attr(real("step_w", 0)).attr(real("step_h", 0)).attr(requiredReal("offset"))
                .attr(reals("variance", List.of())).attr(real("img_h", 0)).attr(real("img_w", 0))
                .single(ModelZooOps::priorBoxClustered).build());
        ops.add(detectionAttrs(define("DetectionOutput", 0).opsets(1, 7), true)
                .single(c -> detectionOutput(c, true)).build());
        ops.add(detectionAttrs(define("DetectionOutput", 8).opsets(8, MAX_OPSET), false)
                .single(c -> detectionOutput(c, false)).build());
    }

    private static OpDefinition.Builder priorBoxAttrs(OpDefinition.Builder b, boolean v8) {
        b.inputs(2).attr(reals("min_size", List.of())).attr(reals("max_size", List.of()))
                .attr(reals("aspect_ratio", List.of())).attr(bool("flip", false)).attr(bool("clip", false))
                .attr(real("step", 0)).attr(requiredReal("offset")).attr(reals("variance", List.of()))
                .attr(bool("scale_all_sizes", true)).attr(reals("fixed_ratio", List.of()))
                .attr(reals("fixed_size", List.of())).attr(reals("density", List.of()));
        if (v8) {
            b.attr(bool("min_max_aspect_ratios_order", true));
        }
        return b;
    }

    /** The priors a PriorBox makes at each grid point, as OpenVINO's {@code PriorBox::number_of_priors}. */
    static long priorBoxCount(Attributes a) {
        TreeSet<Double> ratios = new TreeSet<>();
        ratios.add(1.0);
        for (double r : a.getDoubles("aspect_ratio")) {
            ratios.add(Math.round(r * 1e6) / 1e6);
            if (a.getBool("flip")) {
                ratios.add(Math.round(1 / r * 1e6) / 1e6);
            }
        }
        long total = ratios.size();
        int minSizes = a.getDoubles("min_size").size();
        long n = a.getBool("scale_all_sizes") ? total * minSizes + a.getDoubles("max_size").size()
                : total + minSizes - 1;
        if (!a.getDoubles("fixed_size").isEmpty()) {
            n = total * a.getDoubles("fixed_size").size();
        }
        for (double density : a.getDoubles("density")) {
            long dd = (long) density;
            long extra = dd * dd - 1;
            n += a.getDoubles("fixed_ratio").isEmpty() ? total * extra : a.getDoubles("fixed_ratio").size() * extra;
        }
        return n;
    }

    private static PortType priorBox(InferenceContext c) {
        checkVariance(c.attributes().getDoubles("variance"));
        return priorGrid(c, priorBoxCount(c.attributes()));
    }

    private static PortType priorBoxClustered(InferenceContext c) {
        Attributes a = c.attributes();
        if (a.getDoubles("width").size() != a.getDoubles("height").size()) {
            throw new IllegalArgumentException("width " + a.getDoubles("width") + " and height "
                    + a.getDoubles("height") + " must have the same length");
        }
        checkVariance(a.getDoubles("variance"));
        return priorGrid(c, a.getDoubles("width").size());
    }

    private static void checkVariance(List<Double> variance) {
        if (variance.size() != 0 && variance.size() != 1 && variance.size() != 4) {
            throw new IllegalArgumentException("variance must have 0, 1 or 4 values, got " + variance);
        }
    }

    /** [2, 4 * H * W * priors]: boxes and variances for an output_size [H, W]. */
    private static PortType priorGrid(InferenceContext c, long priorsPerPoint) {
        for (int i = 0; i < 2; i++) {
            Ops.requireIntegerVector(c, i, i == 0 ? "output_size" : "image_size");
            PartialShape s = c.input(i).shape();
            if (s.isRankStatic() && s.rank() == 1 && s.get(0).isStatic() && s.get(0).length() != 2) {
                throw new IllegalArgumentException((i == 0 ? "output_size" : "image_size") + " must hold [height,"
                        + " width], got shape " + s);
            }
        }
        Optional<long[]> size = c.constantValues(0);
        Dimension boxes = size.map(hw -> Dimension.of(Math.multiplyExact(Math.multiplyExact(4 * priorsPerPoint,
                hw[0]), hw[1]))).orElse(Dimension.dynamic());
        return new PortType(ElementType.F32, PartialShape.of(Dimension.of(2), boxes));
    }

    private static OpDefinition.Builder detectionAttrs(OpDefinition.Builder b, boolean v0) {
        b.inputs(3, 5);
        if (v0) {
            b.attr(requiredInteger("num_classes"));
        }
        return b.attr(integer("background_label_id", 0)).attr(integer("top_k", -1))
                .attr(bool("variance_encoded_in_target", false)).attr(integers("keep_top_k", null))
                .attr(choice("code_type", "caffe.PriorBoxParameter.CORNER", "caffe.PriorBoxParameter.CORNER",
                        "caffe.PriorBoxParameter.CENTER_SIZE"))
                .attr(bool("share_location", true)).attr(requiredReal("nms_threshold"))
                .attr(real("confidence_threshold", 0)).attr(bool("clip_after_nms", false))
                .attr(bool("clip_before_nms", false)).attr(bool("decrease_label_id", false))
                .attr(bool("normalized", false)).attr(integer("input_height", 1)).attr(integer("input_width", 1))
                .attr(real("objectness_score", 0));
    }

    private static PortType detectionOutput(InferenceContext c, boolean v0) {
        ElementType t = c.input(0).type();
        if (!t.isReal()) {
            throw new IllegalArgumentException("box logits must be floating point, got " + t);
        }
        for (int i = 1; i < c.inputCount(); i++) {
            if (c.input(i).type() != t) {
                throw new IllegalArgumentException("input " + i + " has type " + c.input(i).type() + ", not " + t);
            }
        }
        if (c.inputCount() == 4) {
            throw new IllegalArgumentException("the additional class and box predictions (inputs 3 and 4) come"
                    + " together");
        }
        Attributes a = c.attributes();
        List<Long> keepTopK = a.getLongs("keep_top_k");
        if (keepTopK.isEmpty()) {
            throw new IllegalArgumentException("keep_top_k must hold at least one value");
        }
        PartialShape loc = c.input(0).shape();
        PartialShape conf = c.input(1).shape();
        PartialShape priors = c.input(2).shape();
        for (int i = 0; i < 3; i++) {
            PartialShape s = c.input(i).shape();
            int want = i == 2 ? 3 : 2;
            if (s.isRankStatic() && s.rank() != want) {
                throw new IllegalArgumentException("input " + i + " must have rank " + want + ", got " + s);
            }
        }
        Dimension batch = loc.isRankStatic() ? loc.get(0) : Dimension.dynamic();
        long priorSize = a.getBool("normalized") ? 4 : 5;
        Dimension numPriors = priors.isRankStatic() ? priors.get(2).map(n -> n / priorSize) : Dimension.dynamic();
        Dimension numClasses;
        if (v0) {
            long nc = a.getLong("num_classes");
            if (nc < 1) {
                throw new IllegalArgumentException("num_classes must be >= 1, got " + nc);
            }
            numClasses = Dimension.of(nc);
        } else if (conf.isRankStatic() && conf.get(1).isStatic() && numPriors.isStatic() && numPriors.length() > 0) {
            numClasses = Dimension.of(conf.get(1).length() / numPriors.length());
        } else {
            numClasses = Dimension.dynamic();
        }
        long k = keepTopK.get(0);
        long topK = a.getLong("top_k");
        Dimension n;
        if (k > 0) {
            n = batch.times(Dimension.of(k));
        } else if (topK > 0) {
            n = batch.times(Dimension.of(topK)).times(numClasses);
        } else {
            n = batch.times(numClasses).times(numPriors);
        }
        return new PortType(t, PartialShape.of(Dimension.of(1), Dimension.of(1), n, Dimension.of(7)));
    }
}
