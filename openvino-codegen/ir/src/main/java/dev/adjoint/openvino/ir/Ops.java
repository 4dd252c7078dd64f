package dev.adjoint.openvino.ir;

import static dev.adjoint.openvino.ir.AttributeSpec.bool;
import static dev.adjoint.openvino.ir.AttributeSpec.choice;
import static dev.adjoint.openvino.ir.AttributeSpec.integer;
import static dev.adjoint.openvino.ir.AttributeSpec.integers;
import static dev.adjoint.openvino.ir.OpDefinition.define;
import static dev.adjoint.openvino.ir.OpRegistry.MAX_OPSET;

import dev.adjoint.openvino.ir.AttributeSpec.Presence;
import dev.adjoint.openvino.ir.ShapeRules.AutoPad;
import dev.adjoint.openvino.ir.ShapeRules.Rounding;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/** The op versions this module knows, each with its opsets, attributes and inference rule. */
final class Ops {
    private Ops() {
    }

    /** Outputs of Split/VariadicSplit above this are refused. */
    static final int MAX_OUTPUTS = 4096;

    static List<OpDefinition> all() {
        List<OpDefinition> ops = new ArrayList<>();
        infrastructure(ops);
        elementwise(ops);
        ops.add(define("MatMul", 0).inputs(2)
                .attr(bool("transpose_a", false)).attr(bool("transpose_b", false))
                .single(c -> new PortType(ShapeRules.sameType(c.inputs(), 0, 1),
                        ShapeRules.matmul(c.input(0).shape(), c.input(1).shape(),
                                c.attributes().getBool("transpose_a"), c.attributes().getBool("transpose_b"))))
                .build());
        ops.add(define("Softmax", 1).opsets(1, 7).inputs(1).attr(integer("axis", 1))
                .single(c -> softmax(c, false)).build());
        ops.add(define("Softmax", 8).opsets(8, MAX_OPSET).inputs(1).attr(integer("axis", 1))
                .single(c -> softmax(c, true)).build());
        convolutions(ops);
        pooling(ops);
        shapeOps(ops);
        reductions(ops);
        ops.add(define("Concat", 0).inputs(1, Integer.MAX_VALUE).attr(AttributeSpec.requiredInteger("axis"))
                .single(Ops::concat).build());
        gather(ops);
        ops.add(define("BatchNormInference", 0).opsets(1, 4).inputs(5).attr(AttributeSpec.requiredReal("epsilon"))
                .single(c -> batchNorm(c, 2, 0, 1)).build());
        ops.add(define("BatchNormInference", 5).opsets(5, MAX_OPSET).inputs(5)
                .attr(AttributeSpec.requiredReal("epsilon")).single(c -> batchNorm(c, 0, 1, 2)).build());
        ops.add(define("Select", 1).inputs(3).attr(choice("auto_broadcast", "numpy", "none", "numpy", "pdpd"))
                .single(Ops::select).build());
        splits(ops);
        ModelZooOps.addTo(ops);
        return ops;
    }

    // ---- infrastructure: Parameter, Constant, Result, Convert, ReadValue, Assign ----

    private static void infrastructure(List<OpDefinition> ops) {
        ops.add(define("Parameter", 0).inputs(0)
                .attr(AttributeSpec.shape("shape", PartialShape.dynamicRank(), Presence.DEFAULTED))
                .attr(AttributeSpec.elementType("element_type", null, Presence.REQUIRED))
                .single(c -> new PortType(c.attributes().getElementType("element_type"),
                        c.attributes().getShape("shape")))
                .build());
        ops.add(define("Constant", 0).inputs(0)
                .attr(AttributeSpec.elementType("element_type", null, Presence.REQUIRED))
                .attr(integers("shape", null))
                .single(Ops::constant).build());
        ops.add(define("Result", 0).inputs(1).single(c -> c.input(0)).build());
        ops.add(define("Convert", 0).inputs(1)
                .attr(AttributeSpec.elementType("destination_type", null, Presence.REQUIRED))
                .single(c -> new PortType(c.attributes().getElementType("destination_type"), c.input(0).shape()))
                .build());
        AttributeSpec variableId = AttributeSpec.string("variable_id", Presence.REQUIRED);
        ops.add(define("ReadValue", 3).opsets(3, 5).inputs(1).attr(variableId).single(c -> c.input(0)).build());
        ops.add(define("ReadValue", 6).opsets(6, MAX_OPSET).inputs(0, 1).attr(variableId)
                .attr(AttributeSpec.elementType("variable_type", null, Presence.OPTIONAL))
                .attr(AttributeSpec.shape("variable_shape", null, Presence.OPTIONAL))
                .single(Ops::readValue).build());
        ops.add(define("Assign", 3).opsets(3, 5).inputs(1).attr(variableId).single(c -> c.input(0)).build());
        ops.add(define("Assign", 6).opsets(6, MAX_OPSET).inputs(1).attr(variableId).single(c -> c.input(0)).build());
    }

    private static PortType constant(InferenceContext c) {
        List<Long> dims = c.attributes().getLongs("shape");
        long[] lengths = new long[dims.size()];
        for (int i = 0; i < lengths.length; i++) {
            lengths[i] = dims.get(i);
            if (lengths[i] < 0) {
                throw new IllegalArgumentException("shape " + dims + " has a negative dimension");
            }
        }
        PartialShape shape = PartialShape.of(lengths);
        if (shape.elementCount().isEmpty()) {
            throw new IllegalArgumentException("shape " + dims + " has more elements than a 64-bit count holds");
        }
        return new PortType(c.attributes().getElementType("element_type"), shape);
    }

    private static PortType readValue(InferenceContext c) {
        Attributes a = c.attributes();
        ElementType declaredType = a.has("variable_type") ? a.getElementType("variable_type") : null;
        PartialShape declaredShape = a.has("variable_shape") ? a.getShape("variable_shape") : null;
        if (c.inputCount() == 0) {
            if (declaredType == null || declaredShape == null) {
                throw new IllegalArgumentException("without an input, variable_type and variable_shape are required");
            }
            return new PortType(declaredType, declaredShape);
        }
        PortType in = c.input(0);
        if (declaredType != null && declaredType != in.type()) {
            throw new IllegalArgumentException("input type " + in.type() + " differs from variable_type " + declaredType);
        }
        if (declaredShape != null && !declaredShape.compatible(in.shape())) {
            throw new IllegalArgumentException("input shape " + in.shape() + " does not fit variable_shape "
                    + declaredShape);
        }
        return in;
    }

    // ---- element-wise ----

    private static final String[] ARITHMETIC = {"Add", "Subtract", "Multiply", "Divide", "Maximum", "Minimum",
        "Power", "SquaredDifference", "FloorMod", "Mod"};
    private static final String[] COMPARISON = {"Equal", "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual"};
    private static final String[] LOGICAL = {"LogicalAnd", "LogicalOr", "LogicalXor"};
    private static final String[] UNARY = {"Abs", "Exp", "Log", "Sigmoid", "Tanh", "Sqrt", "Relu", "Negative",
        "Floor", "Ceiling", "Sin", "Cos", "Erf", "Sign"};

    private static void elementwise(List<OpDefinition> ops) {
        for (String name : ARITHMETIC) {
            int version = name.equals("SquaredDifference") ? 0 : 1;
            OpDefinition.Builder b = define(name, version).inputs(2)
                    .attr(choice("auto_broadcast", "numpy", "none", "numpy", "pdpd"));
            if (name.equals("Divide")) {
                b.attr(bool("m_pythondiv", true));
            }
            ops.add(b.single(c -> {
                ElementType t = ShapeRules.sameType(c.inputs(), 0, 1);
                if (t == ElementType.BOOLEAN) {
                    throw new IllegalArgumentException("arithmetic on boolean inputs is not allowed");
                }
                return new PortType(t, binaryShape(c));
            }).build());
        }
        for (String name : COMPARISON) {
            ops.add(define(name, 1).inputs(2).attr(choice("auto_broadcast", "numpy", "none", "numpy", "pdpd"))
                    .single(c -> {
                        ShapeRules.sameType(c.inputs(), 0, 1);
                        return new PortType(ElementType.BOOLEAN, binaryShape(c));
                    }).build());
        }
        for (String name : LOGICAL) {
            ops.add(define(name, 1).inputs(2).attr(choice("auto_broadcast", "numpy", "none", "numpy", "pdpd"))
                    .single(c -> {
                        requireBoolean(c, 0);
                        requireBoolean(c, 1);
                        return new PortType(ElementType.BOOLEAN, binaryShape(c));
                    }).build());
        }
        ops.add(define("LogicalNot", 1).inputs(1).single(c -> {
            requireBoolean(c, 0);
            return c.input(0);
        }).build());
        for (String name : UNARY) {
            ops.add(define(name, 0).inputs(1).single(c -> c.input(0)).build());
        }
        ops.add(define("PRelu", 0).inputs(2).single(c -> {
            ShapeRules.sameType(c.inputs(), 0, 1);
            return c.input(0);
        }).build());
        ops.add(define("Clamp", 0).inputs(1)
                .attr(AttributeSpec.requiredReal("min")).attr(AttributeSpec.requiredReal("max"))
                .single(c -> {
                    double min = c.attributes().getDouble("min");
                    double max = c.attributes().getDouble("max");
                    if (!(min <= max)) {
                        throw new IllegalArgumentException("min " + min + " must not exceed max " + max);
                    }
                    return c.input(0);
                }).build());
    }

    static PartialShape binaryShape(InferenceContext c) {
        return ShapeRules.broadcast(c.attributes().getString("auto_broadcast"), c.input(0).shape(), c.input(1).shape());
    }

    private static void requireBoolean(InferenceContext c, int i) {
        if (c.input(i).type() != ElementType.BOOLEAN) {
            throw new IllegalArgumentException("input " + i + " must be boolean, got " + c.input(i).type());
        }
    }

    private static PortType softmax(InferenceContext c, boolean negativeAxis) {
        PortType in = c.input(0);
        long axis = c.attributes().getLong("axis");
        if (in.shape().isRankStatic()) {
            int rank = in.shape().rank();
            if (negativeAxis) {
                ShapeRules.normalizeAxis(axis, rank, "axis");
            } else if (axis < 0 || axis >= rank) {
                throw new IllegalArgumentException("axis " + axis + " is out of range for rank " + rank
                        + " (Softmax-1 allows 0.." + (rank - 1) + ")");
            }
        }
        return in;
    }

    // ---- convolutions and pooling ----

    private static final String[] PAD_TYPES = {"explicit", "notset", "valid", "same_upper", "same_lower"};

    private static void convolutions(List<OpDefinition> ops) {
        for (String name : new String[] {"Convolution", "GroupConvolution"}) {
            boolean grouped = name.equals("GroupConvolution");
            ops.add(define(name, 1).inputs(2)
                    .attr(integers("strides", List.of())).attr(integers("dilations", List.of()))
                    .attr(integers("pads_begin", List.of())).attr(integers("pads_end", List.of()))
                    .attr(choice("auto_pad", "explicit", PAD_TYPES))
                    .single(c -> convolution(c, grouped)).build());
        }
    }

    private static PortType convolution(InferenceContext c, boolean grouped) {
        ElementType t = ShapeRules.sameType(c.inputs(), 0, 1);
        PartialShape data = c.input(0).shape();
        PartialShape filters = c.input(1).shape();
        int filterOffset = grouped ? 1 : 0;
        int rank;
        if (data.isRankStatic()) {
            rank = data.rank();
            if (filters.isRankStatic() && filters.rank() != rank + filterOffset) {
                throw new IllegalArgumentException("data " + data + " and filters " + filters + " have ranks that"
                        + " do not fit (filters need rank " + (rank + filterOffset) + ")");
            }
        } else if (filters.isRankStatic()) {
            rank = filters.rank() - filterOffset;
        } else {
            return new PortType(t, PartialShape.dynamicRank());
        }
        if (rank < 3) {
            throw new IllegalArgumentException("data must have rank >= 3 (N, C, spatial...), got " + rank);
        }
        int spatial = rank - 2;
        Attributes a = c.attributes();
        long[] strides = ShapeRules.spatialList(a.getLongs("strides"), spatial, 1, "strides", 1);
        long[] dilations = ShapeRules.spatialList(a.getLongs("dilations"), spatial, 1, "dilations", 1);
        long[] padsBegin = ShapeRules.spatialList(a.getLongs("pads_begin"), spatial, 0, "pads_begin", Long.MIN_VALUE);
        long[] padsEnd = ShapeRules.spatialList(a.getLongs("pads_end"), spatial, 0, "pads_end", Long.MIN_VALUE);
        AutoPad autoPad = AutoPad.of(a.getString("auto_pad"));
        PartialShape d = data.isRankStatic() ? data : PartialShape.dynamic(rank);
        PartialShape f = filters.isRankStatic() ? filters : PartialShape.dynamic(rank + filterOffset);
        Dimension inChannels = grouped ? f.get(0).times(f.get(2)) : f.get(1);
        if (!d.get(1).compatible(inChannels)) {
            throw new IllegalArgumentException("data channels " + d.get(1) + " do not match the filters' input"
                    + " channels " + inChannels + " (data " + data + ", filters " + filters + ")");
        }
        List<Dimension> out = new ArrayList<>(rank);
        out.add(d.get(0));
        out.add(grouped ? f.get(0).times(f.get(1)) : f.get(0));
        for (int i = 0; i < spatial; i++) {
            out.add(ShapeRules.windowOutput(d.get(2 + i), f.get(2 + filterOffset + i), strides[i], dilations[i],
                    padsBegin[i], padsEnd[i], autoPad, Rounding.FLOOR));
        }
        return new PortType(t, PartialShape.of(out));
    }

    private static void pooling(List<OpDefinition> ops) {
        ops.add(poolAttrs(define("MaxPool", 1).opsets(1, 7), false, false, false)
                .single(c -> pool(c, false).get(0)).build());
        ops.add(poolAttrs(define("MaxPool", 8).opsets(8, 13), true, false, false).rule(c -> pool(c, true)).build());
        ops.add(poolAttrs(define("MaxPool", 14).opsets(14, MAX_OPSET), true, false, true)
                .rule(c -> pool(c, true)).build());
        ops.add(poolAttrs(define("AvgPool", 1).opsets(1, 13), false, true, false)
                .single(c -> pool(c, false).get(0)).build());
        ops.add(poolAttrs(define("AvgPool", 14).opsets(14, MAX_OPSET), false, true, true)
                .single(c -> pool(c, false).get(0)).build());
    }

    private static OpDefinition.Builder poolAttrs(OpDefinition.Builder b, boolean maxPool8, boolean avg, boolean torch) {
        b.inputs(1).attr(integers("strides", List.of()));
        if (maxPool8) {
            b.attr(integers("dilations", List.of()));
        }
        b.attr(integers("pads_begin", List.of())).attr(integers("pads_end", List.of())).attr(integers("kernel", null));
        if (avg) {
            b.attr(bool("exclude-pad", false));
        }
        String[] rounding = torch ? new String[] {"floor", "ceil", "ceil_torch"} : new String[] {"floor", "ceil"};
        b.attr(choice("rounding_type", "floor", rounding)).attr(choice("auto_pad", "explicit", PAD_TYPES));
        if (maxPool8) {
            b.attr(AttributeSpec.elementType("index_element_type", ElementType.I64, Presence.DEFAULTED))
                    .attr(integer("axis", 0));
        }
        return b;
    }

    private static List<PortType> pool(InferenceContext c, boolean withIndices) {
        Attributes a = c.attributes();
        PortType in = c.input(0);
        List<Long> kernel = a.getLongs("kernel");
        int rank = in.shape().isRankStatic() ? in.shape().rank() : kernel.size() + 2;
        if (rank < 3) {
            throw new IllegalArgumentException("data must have rank >= 3 (N, C, spatial...), got " + in.shape());
        }
        int spatial = rank - 2;
        if (kernel.size() != spatial) {
            throw new IllegalArgumentException("kernel " + kernel + " must have one value per spatial axis ("
                    + spatial + ")");
        }
        long[] k = ShapeRules.spatialList(kernel, spatial, 1, "kernel", 1);
        long[] strides = ShapeRules.spatialList(a.getLongs("strides"), spatial, 1, "strides", 1);
        long[] dilations = a.has("dilations")
                ? ShapeRules.spatialList(a.getLongs("dilations"), spatial, 1, "dilations", 1) : ones(spatial);
        long[] padsBegin = ShapeRules.spatialList(a.getLongs("pads_begin"), spatial, 0, "pads_begin", 0);
        long[] padsEnd = ShapeRules.spatialList(a.getLongs("pads_end"), spatial, 0, "pads_end", 0);
        AutoPad autoPad = AutoPad.of(a.getString("auto_pad"));
        Rounding rounding = switch (a.getString("rounding_type")) {
            case "ceil" -> Rounding.CEIL;
            case "ceil_torch" -> Rounding.CEIL_TORCH;
            default -> Rounding.FLOOR;
        };
        PartialShape d = in.shape().isRankStatic() ? in.shape() : PartialShape.dynamic(rank);
        List<Dimension> out = new ArrayList<>(d.dims().subList(0, 2));
        for (int i = 0; i < spatial; i++) {
            out.add(ShapeRules.windowOutput(d.get(2 + i), Dimension.of(k[i]), strides[i], dilations[i], padsBegin[i],
                    padsEnd[i], autoPad, rounding));
        }
        PartialShape shape = PartialShape.of(out);
        PortType values = new PortType(in.type(), shape);
        if (!withIndices) {
            return List.of(values);
        }
        ElementType indexType = a.getElementType("index_element_type");
        if (indexType != ElementType.I32 && indexType != ElementType.I64) {
            throw new IllegalArgumentException("index_element_type must be i32 or i64, got " + indexType);
        }
        ShapeRules.normalizeAxis(a.getLong("axis"), rank, "axis");
        return List.of(values, new PortType(indexType, shape));
    }

    private static long[] ones(int n) {
        long[] out = new long[n];
        Arrays.fill(out, 1);
        return out;
    }

    // ---- shape ops ----

    private static void shapeOps(List<OpDefinition> ops) {
        ops.add(define("Reshape", 1).inputs(2).attr(bool("special_zero", false)).single(Ops::reshape).build());
        ops.add(define("Transpose", 1).inputs(2).single(Ops::transpose).build());
        ops.add(define("Squeeze", 0).opsets(1, 14).inputs(1, 2).single(c -> squeeze(c, false)).build());
        ops.add(define("Squeeze", 15).opsets(15, MAX_OPSET).inputs(1, 2).attr(bool("allow_axis_skip", false))
                .single(c -> squeeze(c, c.attributes().getBool("allow_axis_skip"))).build());
        ops.add(define("Unsqueeze", 0).inputs(2).single(Ops::unsqueeze).build());
        ops.add(define("ShapeOf", 0).opsets(1, 2).inputs(1)
                .single(c -> shapeOf(c, ElementType.I64)).build());
        ops.add(define("ShapeOf", 3).opsets(3, MAX_OPSET).inputs(1)
                .attr(AttributeSpec.elementType("output_type", ElementType.I64, Presence.DEFAULTED))
                .single(c -> shapeOf(c, c.attributes().getElementType("output_type"))).build());
        ops.add(define("Tile", 0).inputs(2).single(Ops::tile).build());
        ops.add(define("Broadcast", 1).opsets(1, 2).inputs(2, 3)
                .attr(choice("mode", "numpy", "numpy", "explicit", "pdpd", "none"))
                .single(Ops::broadcastOp).build());
        ops.add(define("Broadcast", 3).opsets(3, MAX_OPSET).inputs(2, 3)
                .attr(choice("mode", "numpy", "numpy", "explicit", "bidirectional", "pdpd"))
                .single(Ops::broadcastOp).build());
        for (int version : new int[] {1, 12}) {
            OpDefinition.Builder b = define("Pad", version).inputs(3, 4)
                    .attr(choice("pad_mode", "constant", "constant", "edge", "reflect", "symmetric"));
            b = version == 1 ? b.opsets(1, 11) : b.opsets(12, MAX_OPSET);
            ops.add(b.single(c -> pad(c, version == 12)).build());
        }
        ops.add(define("Slice", 8).opsets(8, MAX_OPSET).inputs(4, 5).single(Ops::slice).build());
    }

    static void requireIntegerVector(InferenceContext c, int i, String what) {
        PortType p = c.input(i);
        if (!p.type().isInteger()) {
            throw new IllegalArgumentException(what + " (input " + i + ") must have an integer type, got " + p.type());
        }
        if (p.shape().isRankStatic() && p.shape().rank() > 1) {
            throw new IllegalArgumentException(what + " (input " + i + ") must be a scalar or 1-D, got " + p.shape());
        }
    }

    /** The rank of a 1-D shape-like input when its length is known. */
    static Optional<Integer> vectorLength(PortType p) {
        PartialShape s = p.shape();
        if (s.isRankStatic() && s.rank() == 0) {
            return Optional.of(1);
        }
        if (s.isRankStatic() && s.rank() == 1 && s.get(0).isStatic() && s.get(0).length() <= PartialShape.MAX_RANK) {
            return Optional.of((int) s.get(0).length());
        }
        return Optional.empty();
    }

    private static PortType reshape(InferenceContext c) {
        requireIntegerVector(c, 1, "the target shape");
        PortType in = c.input(0);
        Optional<long[]> target = c.constantValues(1);
        if (target.isEmpty()) {
            return new PortType(in.type(), vectorLength(c.input(1)).map(PartialShape::dynamic)
                    .orElse(PartialShape.dynamicRank()));
        }
        long[] t = target.get();
        if (t.length > PartialShape.MAX_RANK) {
            throw new IllegalArgumentException("target shape has rank " + t.length + ", above " + PartialShape.MAX_RANK);
        }
        boolean specialZero = c.attributes().getBool("special_zero");
        Dimension[] out = new Dimension[t.length];
        int inferred = -1;
        for (int i = 0; i < t.length; i++) {
            if (t[i] == -1) {
                if (inferred >= 0) {
                    throw new IllegalArgumentException("target shape " + Arrays.toString(t) + " has more than one -1");
                }
                inferred = i;
            } else if (t[i] == 0 && specialZero) {
                if (in.shape().isRankStatic() && i >= in.shape().rank()) {
                    throw new IllegalArgumentException("target shape " + Arrays.toString(t) + " copies axis " + i
                            + " (special_zero) but the input " + in.shape() + " has no such axis");
                }
                out[i] = in.shape().isRankStatic() ? in.shape().get(i) : Dimension.dynamic();
            } else if (t[i] < 0) {
                throw new IllegalArgumentException("target shape " + Arrays.toString(t) + " has a negative value "
                        + t[i]);
            } else {
                out[i] = Dimension.of(t[i]);
            }
        }
        long inCount = in.shape().elementCount().orElse(-1);
        boolean known = Arrays.stream(out).allMatch(d -> d == null || d.isStatic());
        long product = 1;
        if (known) {
            for (Dimension d : out) {
                if (d != null) {
                    product = Math.multiplyExact(product, d.length());
                }
            }
        }
        if (inferred >= 0) {
            if (known && inCount >= 0) {
                if (product == 0 || inCount % product != 0) {
                    throw new IllegalArgumentException("cannot reshape " + in.shape() + " to "
                            + Arrays.toString(t) + ": " + inCount + " elements do not divide into " + product);
                }
                out[inferred] = Dimension.of(inCount / product);
            } else {
                out[inferred] = Dimension.dynamic();
            }
        } else if (known && inCount >= 0 && inCount != product) {
            throw new IllegalArgumentException("cannot reshape " + in.shape() + " (" + inCount + " elements) to "
                    + Arrays.toString(t) + " (" + product + " elements)");
        }
        return new PortType(in.type(), PartialShape.of(out));
    }

    private static PortType transpose(InferenceContext c) {
        requireIntegerVector(c, 1, "the order");
        PortType in = c.input(0);
        Optional<long[]> order = c.constantValues(1);
        if (in.shape().isRankDynamic()) {
            return new PortType(in.type(), order.map(o -> PartialShape.dynamic(o.length))
                    .orElse(PartialShape.dynamicRank()));
        }
        int rank = in.shape().rank();
        if (order.isEmpty()) {
            return new PortType(in.type(), PartialShape.dynamic(rank));
        }
        long[] o = order.get();
        if (o.length == 0) {
            List<Dimension> reversed = new ArrayList<>(in.shape().dims());
            Collections.reverse(reversed);
            return new PortType(in.type(), PartialShape.of(reversed));
        }
        if (o.length != rank) {
            throw new IllegalArgumentException("order " + Arrays.toString(o) + " does not permute rank " + rank);
        }
        boolean[] used = new boolean[rank];
        List<Dimension> out = new ArrayList<>(rank);
        for (long axis : o) {
            if (axis < 0 || axis >= rank || used[(int) axis]) {
                throw new IllegalArgumentException("order " + Arrays.toString(o) + " is not a permutation of 0.."
                        + (rank - 1));
            }
            used[(int) axis] = true;
            out.add(in.shape().get((int) axis));
        }
        return new PortType(in.type(), PartialShape.of(out));
    }

    private static PortType squeeze(InferenceContext c, boolean allowAxisSkip) {
        PortType in = c.input(0);
        if (in.shape().isRankDynamic()) {
            return new PortType(in.type(), PartialShape.dynamicRank());
        }
        List<Dimension> dims = in.shape().dims();
        int rank = dims.size();
        boolean[] drop = new boolean[rank];
        if (c.inputCount() == 1) {
            for (int i = 0; i < rank; i++) {
                Dimension d = dims.get(i);
                if (d.isStatic()) {
                    drop[i] = d.length() == 1;
                } else if (d.contains(1)) {
                    return new PortType(in.type(), PartialShape.dynamicRank());
                }
            }
        } else {
            requireIntegerVector(c, 1, "the axes");
            Optional<long[]> axes = c.constantValues(1);
            if (axes.isEmpty()) {
                return new PortType(in.type(), PartialShape.dynamicRank());
            }
            for (long axis : axes.get()) {
                int i = ShapeRules.normalizeAxis(axis, rank, "axis");
                Dimension d = dims.get(i);
                if (d.isStatic() && d.length() == 1) {
                    drop[i] = true;
                } else if (allowAxisSkip) {
                    if (d.isDynamic() && d.contains(1)) {
                        return new PortType(in.type(), PartialShape.dynamicRank());
                    }
                } else if (d.contains(1)) {
                    drop[i] = true;
                } else {
                    throw new IllegalArgumentException("cannot squeeze axis " + axis + " of " + in.shape()
                            + ": its length is not 1");
                }
            }
        }
        List<Dimension> out = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            if (!drop[i]) {
                out.add(dims.get(i));
            }
        }
        return new PortType(in.type(), PartialShape.of(out));
    }

    private static PortType unsqueeze(InferenceContext c) {
        requireIntegerVector(c, 1, "the axes");
        PortType in = c.input(0);
        Optional<long[]> axes = c.constantValues(1);
        if (in.shape().isRankDynamic() || axes.isEmpty()) {
            return new PortType(in.type(), PartialShape.dynamicRank());
        }
        long[] a = axes.get();
        int outRank = in.shape().rank() + a.length;
        if (outRank > PartialShape.MAX_RANK) {
            throw new IllegalArgumentException("the result rank " + outRank + " exceeds " + PartialShape.MAX_RANK);
        }
        boolean[] inserted = new boolean[outRank];
        for (long axis : a) {
            int i = ShapeRules.normalizeAxis(axis, outRank, "axis");
            if (inserted[i]) {
                throw new IllegalArgumentException("axes " + Arrays.toString(a) + " repeat axis " + i);
            }
            inserted[i] = true;
        }
        List<Dimension> out = new ArrayList<>(outRank);
        int next = 0;
        for (int i = 0; i < outRank; i++) {
            out.add(inserted[i] ? Dimension.of(1) : in.shape().get(next++));
        }
        return new PortType(in.type(), PartialShape.of(out));
    }

    private static PortType shapeOf(InferenceContext c, ElementType type) {
        if (type != ElementType.I32 && type != ElementType.I64) {
            throw new IllegalArgumentException("output_type must be i32 or i64, got " + type);
        }
        PartialShape s = c.input(0).shape();
        return new PortType(type, s.isRankStatic() ? PartialShape.of((long) s.rank())
                : PartialShape.of(Dimension.dynamic()));
    }

    private static PortType tile(InferenceContext c) {
        requireIntegerVector(c, 1, "the repeats");
        PortType in = c.input(0);
        Optional<long[]> repeats = c.constantValues(1);
        if (in.shape().isRankDynamic() || repeats.isEmpty()) {
            return new PortType(in.type(), PartialShape.dynamicRank());
        }
        long[] r = repeats.get();
        int rank = Math.max(in.shape().rank(), r.length);
        List<Dimension> out = new ArrayList<>(rank);
        for (int i = 0; i < rank; i++) {
            int id = i - (rank - in.shape().rank());
            int ir = i - (rank - r.length);
            Dimension d = id < 0 ? Dimension.of(1) : in.shape().get(id);
            long rep = ir < 0 ? 1 : r[ir];
            if (rep < 0) {
                throw new IllegalArgumentException("repeats " + Arrays.toString(r) + " has a negative value");
            }
            out.add(d.times(Dimension.of(rep)));
        }
        return new PortType(in.type(), PartialShape.of(out));
    }

    private static PortType broadcastOp(InferenceContext c) {
        String mode = c.attributes().getString("mode");
        requireIntegerVector(c, 1, "the target shape");
        PortType in = c.input(0);
        if (mode.equals("explicit") != (c.inputCount() == 3)) {
            throw new IllegalArgumentException(mode.equals("explicit") ? "mode explicit needs axes_mapping (input 2)"
                    : "axes_mapping (input 2) is only for mode explicit");
        }
        Optional<long[]> target = c.constantValues(1);
        if (target.isEmpty()) {
            if (mode.equals("bidirectional")) {
                return new PortType(in.type(), PartialShape.dynamicRank());
            }
            return new PortType(in.type(), vectorLength(c.input(1)).map(PartialShape::dynamic)
                    .orElse(PartialShape.dynamicRank()));
        }
        long[] t = target.get();
        for (long v : t) {
            if (v < 0) {
                throw new IllegalArgumentException("target shape " + Arrays.toString(t) + " has a negative value");
            }
        }
        if (t.length > PartialShape.MAX_RANK) {
            throw new IllegalArgumentException("target shape has rank " + t.length + ", above " + PartialShape.MAX_RANK);
        }
        PartialShape targetShape = PartialShape.of(t);
        switch (mode) {
            case "bidirectional":
                return new PortType(in.type(), ShapeRules.broadcastNumpy(in.shape(), targetShape));
            case "explicit": {
                requireIntegerVector(c, 2, "axes_mapping");
                Optional<long[]> mapping = c.constantValues(2);
                if (mapping.isPresent() && in.shape().isRankStatic()) {
                    long[] m = mapping.get();
                    if (m.length != in.shape().rank()) {
                        throw new IllegalArgumentException("axes_mapping " + Arrays.toString(m) + " must have one"
                                + " axis per input axis (" + in.shape().rank() + ")");
                    }
                    for (int i = 0; i < m.length; i++) {
                        if (m[i] < 0 || m[i] >= t.length || (i > 0 && m[i] <= m[i - 1])) {
                            throw new IllegalArgumentException("axes_mapping " + Arrays.toString(m)
                                    + " must be increasing axes of the target rank " + t.length);
                        }
                        Dimension d = in.shape().get(i);
                        if (!(d.contains(1) || d.contains(t[(int) m[i]]))) {
                            throw new IllegalArgumentException("input " + in.shape() + " does not broadcast to "
                                    + targetShape + " with axes_mapping " + Arrays.toString(m));
                        }
                    }
                }
                return new PortType(in.type(), targetShape);
            }
            default: {
                PartialShape merged = ShapeRules.broadcastNumpy(in.shape(), targetShape);
                if (merged.isRankStatic() && merged.rank() != t.length) {
                    throw new IllegalArgumentException("input " + in.shape() + " has a higher rank than the target "
                            + targetShape);
                }
                if (merged.isRankStatic() && !merged.equals(targetShape) && !targetShape.compatible(merged)) {
                    throw new IllegalArgumentException("input " + in.shape() + " does not broadcast to " + targetShape);
                }
                if (merged.isRankStatic()) {
                    for (int i = 0; i < t.length; i++) {
                        if (merged.get(i).isStatic() && merged.get(i).length() != t[i]) {
                            throw new IllegalArgumentException("input " + in.shape() + " does not broadcast to "
                                    + targetShape);
                        }
                    }
                }
                return new PortType(in.type(), targetShape);
            }
        }
    }

    private static PortType pad(InferenceContext c, boolean negativeAllowed) {
        requireIntegerVector(c, 1, "pads_begin");
        requireIntegerVector(c, 2, "pads_end");
        PortType in = c.input(0);
        if (c.inputCount() == 4) {
            if (!c.attributes().getString("pad_mode").equals("constant")) {
                throw new IllegalArgumentException("pad_value (input 3) is only for pad_mode constant");
            }
            if (c.input(3).type() != in.type()) {
                throw new IllegalArgumentException("pad_value type " + c.input(3).type() + " differs from the data "
                        + in.type());
            }
        }
        Optional<long[]> begin = c.constantValues(1);
        Optional<long[]> end = c.constantValues(2);
        if (in.shape().isRankDynamic()) {
            return new PortType(in.type(), begin.map(b -> PartialShape.dynamic(b.length))
                    .orElse(PartialShape.dynamicRank()));
        }
        int rank = in.shape().rank();
        if (begin.isEmpty() || end.isEmpty()) {
            return new PortType(in.type(), PartialShape.dynamic(rank));
        }
        long[] b = begin.get();
        long[] e = end.get();
        if (b.length != rank || e.length != rank) {
            throw new IllegalArgumentException("pads_begin " + Arrays.toString(b) + " and pads_end "
                    + Arrays.toString(e) + " must have one value per axis of " + in.shape());
        }
        List<Dimension> out = new ArrayList<>(rank);
        for (int i = 0; i < rank; i++) {
            if (!negativeAllowed && (b[i] < 0 || e[i] < 0)) {
                throw new IllegalArgumentException("negative pads need Pad-12, got " + Arrays.toString(b) + " and "
                        + Arrays.toString(e));
            }
            long total = Math.addExact(b[i], e[i]);
            Dimension d = in.shape().get(i);
            if (d.isStatic() && Math.addExact(d.length(), total) < 0) {
                throw new IllegalArgumentException("padding " + total + " makes axis " + i + " of " + in.shape()
                        + " negative");
            }
            out.add(d.map(n -> Math.addExact(n, total)));
        }
        return new PortType(in.type(), PartialShape.of(out));
    }

    private static PortType slice(InferenceContext c) {
        for (int i = 1; i < c.inputCount(); i++) {
            requireIntegerVector(c, i, new String[] {"", "start", "stop", "step", "axes"}[i]);
        }
        PortType in = c.input(0);
        if (in.shape().isRankDynamic()) {
            return new PortType(in.type(), PartialShape.dynamicRank());
        }
        int rank = in.shape().rank();
        Optional<long[]> start = c.constantValues(1);
        Optional<long[]> stop = c.constantValues(2);
        Optional<long[]> step = c.constantValues(3);
        Optional<long[]> axes = c.inputCount() == 5 ? c.constantValues(4) : Optional.empty();
        if (step.isPresent()) {
            for (long s : step.get()) {
                if (s == 0) {
                    throw new IllegalArgumentException("step must not be 0");
                }
            }
        }
        if (start.isEmpty() || stop.isEmpty() || step.isEmpty() || (c.inputCount() == 5 && axes.isEmpty())) {
            return new PortType(in.type(), PartialShape.dynamic(rank));
        }
        long[] st = start.get();
        long[] sp = stop.get();
        long[] se = step.get();
        int n = st.length;
        if (sp.length != n || se.length != n) {
            throw new IllegalArgumentException("start, stop and step must have the same length");
        }
        long[] ax = axes.orElseGet(() -> {
            long[] all = new long[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            return all;
        });
        if (ax.length != n) {
            throw new IllegalArgumentException("axes must have as many values as start");
        }
        List<Dimension> out = new ArrayList<>(in.shape().dims());
        boolean[] seen = new boolean[rank];
        for (int i = 0; i < n; i++) {
            int axis = ShapeRules.normalizeAxis(ax[i], rank, "axis");
            if (seen[axis]) {
                throw new IllegalArgumentException("axes repeat axis " + axis);
            }
            seen[axis] = true;
            Dimension d = in.shape().get(axis);
            out.set(axis, d.isStatic() ? Dimension.of(sliceLength(d.length(), st[i], sp[i], se[i]))
                    : Dimension.bounded(0, d.max()));
        }
        return new PortType(in.type(), PartialShape.of(out));
    }

    /** Python's {@code len(range(n)[start:stop:step])}, the rule Slice-8 follows. */
    static long sliceLength(long n, long start, long stop, long step) {
        long lo;
        long hi;
        if (step > 0) {
            lo = clamp(start < 0 ? start + n : start, 0, n);
            hi = clamp(stop < 0 ? stop + n : stop, 0, n);
            return hi <= lo ? 0 : (hi - lo - 1) / step + 1;
        }
        lo = clamp(start < 0 ? start + n : start, -1, n - 1);
        hi = clamp(stop < 0 ? stop + n : stop, -1, n - 1);
        return lo <= hi ? 0 : (lo - hi - 1) / (-step) + 1;
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    // ---- reductions, concat, gather, batch norm, select, split ----

    private static void reductions(List<OpDefinition> ops) {
        for (String name : new String[] {"ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd"}) {
            ops.add(define(name, 1).inputs(2).attr(bool("keep_dims", false)).single(Ops::reduce).build());
        }
    }

    static PortType reduce(InferenceContext c) {
        requireIntegerVector(c, 1, "the axes");
        PortType in = c.input(0);
        boolean keep = c.attributes().getBool("keep_dims");
        Optional<long[]> axes = c.constantValues(1);
        if (in.shape().isRankDynamic()) {
            return new PortType(in.type(), PartialShape.dynamicRank());
        }
        int rank = in.shape().rank();
        if (axes.isEmpty()) {
            return new PortType(in.type(), keep ? PartialShape.dynamic(rank) : PartialShape.dynamicRank());
        }
        boolean[] reduced = new boolean[rank];
        for (long axis : axes.get()) {
            reduced[ShapeRules.normalizeAxis(axis, rank, "axis")] = true;
        }
        List<Dimension> out = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            if (!reduced[i]) {
                out.add(in.shape().get(i));
            } else if (keep) {
                out.add(Dimension.of(1));
            }
        }
        return new PortType(in.type(), PartialShape.of(out));
    }

    private static PortType concat(InferenceContext c) {
        ElementType t = c.input(0).type();
        PartialShape first = null;
        for (PortType p : c.inputs()) {
            if (p.type() != t) {
                throw new IllegalArgumentException("input element types differ: " + t + " and " + p.type());
            }
            if (p.shape().isRankStatic()) {
                if (first != null && first.rank() != p.shape().rank()) {
                    throw new IllegalArgumentException("inputs have different ranks: " + first + " and " + p.shape());
                }
                first = first == null ? p.shape() : first;
            }
        }
        if (first == null) {
            return new PortType(t, PartialShape.dynamicRank());
        }
        int rank = first.rank();
        if (rank == 0) {
            throw new IllegalArgumentException("scalars cannot be concatenated");
        }
        int axis = ShapeRules.normalizeAxis(c.attributes().getLong("axis"), rank, "axis");
        List<Dimension> out = new ArrayList<>(first.dims());
        Dimension sum = Dimension.of(0);
        boolean sumKnown = true;
        for (PortType p : c.inputs()) {
            if (p.shape().isRankDynamic()) {
                sumKnown = false;
                continue;
            }
            for (int i = 0; i < rank; i++) {
                if (i == axis) {
                    continue;
                }
                Dimension m = out.get(i).intersect(p.shape().get(i));
                if (m == null) {
                    throw new IllegalArgumentException("inputs " + first + " and " + p.shape() + " differ outside the"
                            + " concatenation axis " + axis);
                }
                out.set(i, m);
            }
            sum = sum.plus(p.shape().get(axis));
        }
        out.set(axis, sumKnown ? sum : Dimension.bounded(sum.min(), Dimension.UNBOUNDED));
        return new PortType(t, PartialShape.of(out));
    }

    private static void gather(List<OpDefinition> ops) {
        ops.add(define("Gather", 1).opsets(1, 6).inputs(3).single(Ops::gather).build());
        ops.add(define("Gather", 7).opsets(7, 7).inputs(3).attr(integer("batch_dims", 0)).single(Ops::gather).build());
        ops.add(define("Gather", 8).opsets(8, MAX_OPSET).inputs(3).attr(integer("batch_dims", 0))
                .single(Ops::gather).build());
    }

    private static PortType gather(InferenceContext c) {
        PortType data = c.input(0);
        PortType indices = c.input(1);
        if (!indices.type().isInteger()) {
            throw new IllegalArgumentException("indices must have an integer type, got " + indices.type());
        }
        requireIntegerVector(c, 2, "the axis");
        long batchDims = c.attributes().has("batch_dims") ? c.attributes().getLong("batch_dims") : 0;
        Optional<long[]> axisValue = c.constantValues(2);
        if (axisValue.isPresent() && axisValue.get().length != 1) {
            throw new IllegalArgumentException("the axis must hold one value, got " + Arrays.toString(axisValue.get()));
        }
        if (data.shape().isRankDynamic() || indices.shape().isRankDynamic() || axisValue.isEmpty()) {
            if (data.shape().isRankStatic() && indices.shape().isRankStatic()) {
                int b = (int) (batchDims < 0 ? batchDims + indices.shape().rank() : batchDims);
                int rank = data.shape().rank() + indices.shape().rank() - 1 - b;
                if (rank >= 0 && b >= 0) {
                    return new PortType(data.type(), PartialShape.dynamic(rank));
                }
            }
            return new PortType(data.type(), PartialShape.dynamicRank());
        }
        int dataRank = data.shape().rank();
        int indicesRank = indices.shape().rank();
        int axis = ShapeRules.normalizeAxis(axisValue.get()[0], dataRank, "axis");
        long bd = batchDims < 0 ? batchDims + indicesRank : batchDims;
        if (bd < 0 || bd > indicesRank) {
            throw new IllegalArgumentException("batch_dims " + batchDims + " is out of range for indices of rank "
                    + indicesRank);
        }
        int b = (int) bd;
        if (b > axis) {
            throw new IllegalArgumentException("batch_dims " + batchDims + " must not exceed the axis " + axis);
        }
        List<Dimension> out = new ArrayList<>();
        for (int i = 0; i < b; i++) {
            Dimension m = data.shape().get(i).intersect(indices.shape().get(i));
            if (m == null) {
                throw new IllegalArgumentException("batch dimension " + i + " differs: data " + data.shape()
                        + ", indices " + indices.shape());
            }
            out.add(m);
        }
        out.addAll(data.shape().dims().subList(b, axis));
        out.addAll(indices.shape().dims().subList(b, indicesRank));
        out.addAll(data.shape().dims().subList(axis + 1, dataRank));
        return new PortType(data.type(), PartialShape.of(out));
    }

    private static PortType batchNorm(InferenceContext c, int dataIndex, int gammaIndex, int betaIndex) {
        double epsilon = c.attributes().getDouble("epsilon");
        if (!(epsilon >= 0)) {
            throw new IllegalArgumentException("epsilon must be >= 0, got " + epsilon);
        }
        PortType data = c.input(dataIndex);
        ElementType t = ShapeRules.sameType(c.inputs(), 0, 1, 2, 3, 4);
        if (!t.isReal()) {
            throw new IllegalArgumentException("inputs must be floating point, got " + t);
        }
        Dimension channels = Dimension.dynamic();
        if (data.shape().isRankStatic()) {
            if (data.shape().rank() < 2) {
                throw new IllegalArgumentException("data must have rank >= 2, got " + data.shape());
            }
            channels = data.shape().get(1);
        }
        String[] names = {"gamma", "beta", "mean", "variance"};
        int[] which = {gammaIndex, betaIndex, 3, 4};
        for (int k = 0; k < 4; k++) {
            PartialShape s = c.input(which[k]).shape();
            if (s.isRankDynamic()) {
                continue;
            }
            if (s.rank() != 1) {
                throw new IllegalArgumentException(names[k] + " must be 1-D, got " + s);
            }
            Dimension m = channels.intersect(s.get(0));
            if (m == null) {
                throw new IllegalArgumentException(names[k] + " " + s + " does not match the channels " + channels
                        + " of " + data.shape());
            }
            channels = m;
        }
        return data;
    }

    private static PortType select(InferenceContext c) {
        requireBoolean(c, 0);
        ElementType t = ShapeRules.sameType(c.inputs(), 1, 2);
        String mode = c.attributes().getString("auto_broadcast");
        PartialShape values = ShapeRules.broadcast(mode, c.input(1).shape(), c.input(2).shape());
        PartialShape out = mode.equals("pdpd") ? ShapeRules.broadcastPdpd(values, c.input(0).shape())
                : ShapeRules.broadcast(mode, c.input(0).shape(), values);
        return new PortType(t, out);
    }

    private static void splits(List<OpDefinition> ops) {
        ops.add(define("Split", 1).inputs(2).attr(AttributeSpec.requiredInteger("num_splits")).rule(Ops::split).build());
        ops.add(define("VariadicSplit", 1).inputs(3).rule(Ops::variadicSplit).build());
    }

    private static List<PortType> split(InferenceContext c) {
        long n = c.attributes().getLong("num_splits");
        if (n < 1 || n > MAX_OUTPUTS) {
            throw new IllegalArgumentException("num_splits must be in 1.." + MAX_OUTPUTS + ", got " + n);
        }
        requireIntegerVector(c, 1, "the axis");
        PortType in = c.input(0);
        Optional<long[]> axis = c.constantValues(1);
        PartialShape piece;
        if (in.shape().isRankDynamic()) {
            piece = PartialShape.dynamicRank();
        } else if (axis.isEmpty()) {
            piece = PartialShape.dynamic(in.shape().rank());
        } else {
            if (axis.get().length != 1) {
                throw new IllegalArgumentException("the axis must hold one value");
            }
            int a = ShapeRules.normalizeAxis(axis.get()[0], in.shape().rank(), "axis");
            Dimension d = in.shape().get(a);
            if (d.isStatic() && d.length() % n != 0) {
                throw new IllegalArgumentException("axis " + a + " of " + in.shape() + " does not split into " + n
                        + " equal parts");
            }
            List<Dimension> dims = new ArrayList<>(in.shape().dims());
            dims.set(a, d.map(len -> len / n));
            piece = PartialShape.of(dims);
        }
        return Collections.nCopies((int) n, new PortType(in.type(), piece));
    }

    private static List<PortType> variadicSplit(InferenceContext c) {
        requireIntegerVector(c, 1, "the axis");
        requireIntegerVector(c, 2, "split_lengths");
        PortType in = c.input(0);
        Optional<long[]> lengths = c.constantValues(2);
        Optional<Integer> count = lengths.map(l -> l.length).or(() -> vectorLength(c.input(2)));
        if (count.isEmpty()) {
            throw new IllegalArgumentException("split_lengths must have a static length (it sets the output count)");
        }
        int n = count.get();
        if (n < 1 || n > MAX_OUTPUTS) {
            throw new IllegalArgumentException("split_lengths must have 1.." + MAX_OUTPUTS + " values, got " + n);
        }
        Optional<long[]> axis = c.constantValues(1);
        if (in.shape().isRankDynamic() || axis.isEmpty() || lengths.isEmpty()) {
            PartialShape piece = in.shape().isRankDynamic() ? PartialShape.dynamicRank()
                    : PartialShape.dynamic(in.shape().rank());
            return Collections.nCopies(n, new PortType(in.type(), piece));
        }
        if (axis.get().length != 1) {
            throw new IllegalArgumentException("the axis must hold one value");
        }
        int a = ShapeRules.normalizeAxis(axis.get()[0], in.shape().rank(), "axis");
        long[] l = lengths.get();
        Dimension d = in.shape().get(a);
        int inferred = -1;
        long sum = 0;
        for (int i = 0; i < n; i++) {
            if (l[i] == -1) {
                if (inferred >= 0) {
                    throw new IllegalArgumentException("split_lengths " + Arrays.toString(l) + " has more than one -1");
                }
                inferred = i;
            } else if (l[i] < 0) {
                throw new IllegalArgumentException("split_lengths " + Arrays.toString(l) + " has a negative value");
            } else {
                sum = Math.addExact(sum, l[i]);
            }
        }
        if (d.isStatic() && (inferred < 0 ? sum != d.length() : sum > d.length())) {
            throw new IllegalArgumentException("split_lengths " + Arrays.toString(l) + " do not add up to axis " + a
                    + " of " + in.shape());
        }
        List<PortType> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            List<Dimension> dims = new ArrayList<>(in.shape().dims());
            if (i == inferred) {
                final long known = sum;
                dims.set(a, d.isStatic() ? Dimension.of(d.length() - known) : d.map(len -> len - known));
            } else {
                dims.set(a, Dimension.of(l[i]));
            }
            out.add(new PortType(in.type(), PartialShape.of(dims)));
        }
        return out;
    }
}
