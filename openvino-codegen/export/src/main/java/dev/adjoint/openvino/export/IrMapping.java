package dev.adjoint.openvino.export;

import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.core.Slice;
import dev.adjoint.op.BinaryOp;
import dev.adjoint.op.Conv2dSpec;
import dev.adjoint.op.ElementwiseChainSpec;
import dev.adjoint.op.Op;
import dev.adjoint.op.Pool2dSpec;
import dev.adjoint.op.ReduceOp;
import dev.adjoint.op.TensorType;
import dev.adjoint.op.UnaryOp;
import dev.adjoint.op.WeakScalar;
import dev.adjoint.openvino.engine.ElementwiseIr;
import dev.adjoint.openvino.ir.Attributes;
import dev.adjoint.openvino.ir.Dimension;
import dev.adjoint.openvino.ir.NodeOutput;
import java.util.ArrayList;
import java.util.List;

/**
 * The op table's IR mapping: each {@link Op} as OpenVINO IR nodes, in one pattern switch over the sealed hierarchy
 * without a default branch, so that an op added to the table without an IR mapping does not compile. Elementwise
 * ops go through the engine's {@link ElementwiseIr} table, the one the engine runs IR with.
 *
 * <p>The inputs arrive already converted to the op's operand types ({@link IrGraph#apply}); {@code types} are
 * those operand types with the op table's shapes. The training-only ops (the gradients of gather, convolution's
 * weights and pooling) have no mapping: an {@link ExportException} says so.
 */
final class IrMapping {
    private IrMapping() {
    }

    static NodeOutput emit(IrGraph g, Op op, List<NodeOutput> in, List<TensorType> types, TensorType out) {
        return switch (op) {
            case Op.Unary u -> unary(g, u.kind(), in.getFirst(), types.getFirst().dtype());
            case Op.Binary b -> binary(g, b.kind(), in.get(0), in.get(1));
            case Op.Where w -> g.node("Select", 1, "where", Attributes.empty(), in.get(0), in.get(1), in.get(2));
            case Op.Cast c -> g.convert(in.getFirst(), c.to());
            case Op.Fill f -> g.node("Broadcast", 3, "full", Attributes.of("mode", "numpy"),
                    g.weakScalar(WeakScalar.of(f.value()), f.dtype()), g.i64(f.shape().dims()));
            case Op.Chain c -> chain(g, c.spec(), in);
            case Op.Reduce r -> reduce(g, r, in.getFirst(), types.getFirst());
            case Op.Softmax s -> {
                long axis = types.getFirst().shape().normalizeAxis(s.name(), s.axis());
                yield s.log() ? g.node("LogSoftmax", 5, "logSoftmax", Attributes.of("axis", axis), in.getFirst())
                        : g.node("Softmax", 8, "softmax", Attributes.of("axis", axis), in.getFirst());
            }
            case Op.LayerNorm l -> layerNorm(g, l, in, types.getFirst().shape().rank());
            case Op.MatMul m -> g.node("MatMul", 0, "matmul",
                    Attributes.of("transpose_a", m.transposeA(), "transpose_b", m.transposeB()), in.get(0), in.get(1));
            case Op.MatMulBias m -> matmulBias(g, m, in, out.dtype());
            case Op.Reshape r -> reshape(g, r, in.getFirst(), types.getFirst(), out);
            case Op.Permute p -> g.node("Transpose", 1, "permute", Attributes.empty(), in.getFirst(),
                    g.i64(p.normalized(types.getFirst().shape())));
            case Op.Index i -> index(g, i, in.getFirst(), types.getFirst());
            case Op.BroadcastTo b -> g.node("Broadcast", 3, "broadcastTo", Attributes.of("mode", "numpy"),
                    in.getFirst(), g.i64(b.shape().dims()));
            case Op.Concat c -> g.node("Concat", 0, "concat",
                    Attributes.of("axis", (long) types.getFirst().shape().normalizeAxis("concat", c.axis())),
                    in.toArray(NodeOutput[]::new));
            case Op.Pad p -> g.node("Pad", 12, "pad", Attributes.of("pad_mode", "constant"), in.getFirst(),
                    g.i64(p.before()), g.i64(p.after()), g.weakScalar(WeakScalar.of(p.value()), types.getFirst().dtype()));
            case Op.Gather ga -> g.node("Gather", 8, "gather", Attributes.of("batch_dims", 0L), in.get(0), in.get(1),
                    g.i64Scalar(types.getFirst().shape().normalizeAxis("gather", ga.axis())));
            case Op.Conv2d c -> conv2d(g, c.spec(), in.get(0), in.get(1), types.get(1).shape());
            case Op.Conv2dBias c -> conv2dBias(g, c.name(), c.spec(), c.low(), c.high(), in.get(0), in.get(1),
                    in.get(2), in.size() == 4 ? in.get(3) : null, types.get(1).shape(), out.dtype());
            case Op.Conv2dBlock b -> conv2dBlock(g, b, in, types, out.dtype());
            case Op.Pool2d p -> pool2d(g, p.spec(), in.getFirst());
            case Op.Conv2dBackwardInput c -> conv2dBackwardInput(g, c, in.get(0), in.get(1), types);
            case Op.IndexAdd ia -> throw trainingOnly(ia, "ScatterElementsUpdate");
            case Op.Conv2dBackwardWeight c -> throw trainingOnly(c, "a convolution of the input with the output gradient");
            case Op.Pool2dBackward p -> throw trainingOnly(p, "MaxPool's indices with ScatterNDUpdate");
        };
    }

    private static ExportException trainingOnly(Op op, String openVino) {
        return new ExportException(op.name() + " is a gradient op with no IR mapping (OpenVINO would need "
                + openVino + ", which the IR module does not have): export the forward computation only");
    }

    private static NodeOutput unary(IrGraph g, UnaryOp op, NodeOutput x, DType dtype) {
        var direct = ElementwiseIr.irOf(op);
        if (direct.isPresent()) {
            String type = direct.get();
            return g.node(type, ElementwiseIr.version(type), op.opName(), Attributes.empty(), x);
        }
        String name = op.opName();
        return switch (op) {
            case SQUARE -> binary(g, BinaryOp.MUL, x, x);
            case LOG1P -> g.node("Log", 0, name, Attributes.empty(), binary(g, BinaryOp.ADD, x, one(g, dtype)));
            case RSQRT -> binary(g, BinaryOp.DIV, one(g, dtype), g.node("Sqrt", 0, name, Attributes.empty(), x));
            // max(x, 0) + log(1 + exp(-|x|)): no overflow for large |x|, as the definition.
            case SOFTPLUS -> {
                NodeOutput negAbs = g.node("Negative", 0, name, Attributes.empty(),
                        g.node("Abs", 0, name, Attributes.empty(), x));
                NodeOutput log = g.node("Log", 0, name, Attributes.empty(),
                        binary(g, BinaryOp.ADD, one(g, dtype), g.node("Exp", 0, name, Attributes.empty(), negAbs)));
                yield binary(g, BinaryOp.ADD, g.node("Relu", 0, name, Attributes.empty(), x), log);
            }
            case GELU -> g.node("Gelu", 7, name, Attributes.of("approximation_mode", "ERF"), x);
            default -> throw new IllegalStateException(op + " has a one-op IR mapping in ElementwiseIr");
        };
    }

    private static NodeOutput one(IrGraph g, DType dtype) {
        return g.weakScalar(WeakScalar.of(1.0), dtype);
    }

    private static NodeOutput binary(IrGraph g, BinaryOp op, NodeOutput a, NodeOutput b) {
        String type = ElementwiseIr.irOf(op);
        return g.node(type, ElementwiseIr.version(type), op.opName(), Attributes.empty(), a, b);
    }

    /** A fused chain as its steps, one node each: {@code Backend.chainStepByStep}'s definition. */
    private static NodeOutput chain(IrGraph g, ElementwiseChainSpec spec, List<NodeOutput> in) {
        NodeOutput value = in.getFirst();
        for (ElementwiseChainSpec.Step step : spec.steps()) {
            if (!(step instanceof ElementwiseChainSpec.SelectStep)) {
                value = g.convert(value, step.dtype());
            }
            value = switch (step) {
                case ElementwiseChainSpec.UnaryStep u -> unary(g, u.op(), value, u.dtype());
                case ElementwiseChainSpec.ScalarStep s -> binary(g, s.op(), value, g.weakScalar(s.scalar(), s.dtype()));
                case ElementwiseChainSpec.OperandStep o -> binary(g, o.op(), value,
                        g.convert(in.get(1 + o.operand()), o.dtype()));
                case ElementwiseChainSpec.SelectStep w -> g.node("Select", 1, "where", Attributes.empty(), value,
                        g.convert(in.get(1 + w.whenTrue()), w.dtype()), g.convert(in.get(1 + w.whenFalse()), w.dtype()));
            };
        }
        return value;
    }

    private static NodeOutput reduce(IrGraph g, Op.Reduce r, NodeOutput x, TensorType type) {
        int[] axes = r.axes();
        Attributes keep = Attributes.of("keep_dims", r.keepDims());
        return switch (r.kind()) {
            case SUM -> g.node("ReduceSum", 1, r.name(), keep, x, g.i64(axes));
            case MEAN -> g.node("ReduceMean", 1, r.name(), keep, x, g.i64(axes));
            case MAX -> g.node("ReduceMax", 1, r.name(), keep, x, g.i64(axes));
            case MIN -> g.node("ReduceMin", 1, r.name(), keep, x, g.i64(axes));
            case PROD -> g.node("ReduceProd", 1, r.name(), keep, x, g.i64(axes));
            // m + log(sum(exp(x - m))), m the maximum: stable, as the eager kernel.
            case LOG_SUM_EXP -> {
                if (axes.length == 0) {
                    yield x;
                }
                Attributes kept = Attributes.of("keep_dims", true);
                NodeOutput m = g.node("ReduceMax", 1, r.name(), kept, x, g.i64(axes));
                NodeOutput e = g.node("Exp", 0, r.name(), Attributes.empty(), binary(g, BinaryOp.SUB, x, m));
                NodeOutput lse = binary(g, BinaryOp.ADD,
                        g.node("Log", 0, r.name(), Attributes.empty(),
                                g.node("ReduceSum", 1, r.name(), kept, e, g.i64(axes))), m);
                yield r.keepDims() ? lse : g.node("Squeeze", 0, r.name(), Attributes.empty(), lse, g.i64(axes));
            }
            case ARGMAX, ARGMIN -> arg(g, r, x, type);
        };
    }

    /**
     * The first position of the maximum (minimum) along one axis, without TopK (which the IR module lacks):
     * {@code min(where(x == max(x), position, n))}.
     */
    private static NodeOutput arg(IrGraph g, Op.Reduce r, NodeOutput x, TensorType type) {
        int[] axes = r.axes();
        Shape shape = type.shape();
        if (axes.length == 0) {
            return g.constantOf(DType.INT64, new long[0], new long[] {0});
        }
        if (axes.length > 1) {
            // Over several axes (all of them, argmax()): flatten first, as the eager kernel counts positions.
            if (axes.length != shape.rank() || r.keepDims()) {
                throw new ExportException(r.name() + " over axes " + java.util.Arrays.toString(axes)
                        + " of shape " + shape + " has no IR mapping: reduce over one axis or all of them");
            }
            requireStatic(g, x, r.name());
            NodeOutput flat = g.node("Reshape", 1, r.name(), Attributes.of("special_zero", false), x, g.i64(-1L));
            return arg(g, new Op.Reduce(r.kind(), new int[] {0}, false), flat,
                    new TensorType(type.dtype(), Shape.of((int) shape.size())));
        }
        int axis = axes[0];
        Dimension length = x.shape().get(axis);
        if (!length.isStatic()) {
            throw new ExportException(r.name() + " along the dynamic axis " + axis + " has no IR mapping");
        }
        int n = (int) length.length();
        String extreme = r.kind() == ReduceOp.ARGMAX ? "ReduceMax" : "ReduceMin";
        Attributes kept = Attributes.of("keep_dims", true);
        NodeOutput m = g.node(extreme, 1, r.name(), kept, x, g.i64(axis));
        NodeOutput hit = binary(g, BinaryOp.EQUAL, x, m);
        long[] positions = new long[n];
        for (int i = 0; i < n; i++) {
            positions[i] = i;
        }
        long[] positionShape = new long[shape.rank()];
        java.util.Arrays.fill(positionShape, 1);
        positionShape[axis] = n;
        NodeOutput position = g.constantOf(DType.INT64, positionShape, positions);
        NodeOutput none = g.constantOf(DType.INT64, new long[0], new long[] {n});
        NodeOutput candidates = g.node("Select", 1, r.name(), Attributes.empty(), hit, position, none);
        return g.node("ReduceMin", 1, r.name(), Attributes.of("keep_dims", r.keepDims()), candidates, g.i64(axis));
    }

    private static void requireStatic(IrGraph g, NodeOutput x, String op) {
        if (!x.shape().isStatic()) {
            throw new ExportException(op + " of a tensor of dynamic shape " + x.shape() + " has no IR mapping");
        }
    }

    /**
     * Reshape to the op table's inferred shape. With a dynamic dimension, a target dimension that keeps an input's
     * dynamic leading axis (the batch) is written {@code 0} with {@code special_zero}, and an inferred one as
     * {@code -1}, so the IR stays valid for any batch.
     */
    private static NodeOutput reshape(IrGraph g, Op.Reshape r, NodeOutput x, TensorType in, TensorType out) {
        int[] dims = r.dims();
        long[] target = new long[dims.length];
        boolean dynamic = !x.shape().isStatic();
        boolean specialZero = false;
        for (int i = 0; i < dims.length; i++) {
            target[i] = dims[i];
            if (dynamic && i == 0 && x.shape().isRankStatic() && x.shape().rank() > 0 && !x.shape().get(0).isStatic()
                    && dims[0] == IrGraph.PROBE) {
                target[0] = 0;
                specialZero = true;
            }
        }
        if (!dynamic) {
            // Fully static: the exact inferred shape, with no -1 left for the reader to work out.
            target = java.util.Arrays.stream(out.shape().dims()).asLongStream().toArray();
        }
        if (!specialZero && dynamic) {
            boolean hasInferred = false;
            for (long t : target) {
                hasInferred |= t == -1;
            }
            if (!hasInferred) {
                throw new ExportException("reshape of " + x.shape() + " to " + java.util.Arrays.toString(dims)
                        + " fixes the dynamic dimension: use -1 for it");
            }
        }
        return g.node("Reshape", 1, "reshape", Attributes.of("special_zero", specialZero), x, g.i64(target));
    }

    /** Basic indexing as Slice-8 (Python's bounds and clamping) then Squeeze of the integer-indexed axes. */
    private static NodeOutput index(IrGraph g, Op.Index op, NodeOutput x, TensorType type) {
        Slice[] slices = op.slices();
        op.layout(type.shape()); // validates, with the eager message
        if (slices.length == 0) {
            return x;
        }
        long[] start = new long[slices.length];
        long[] stop = new long[slices.length];
        long[] step = new long[slices.length];
        long[] axes = new long[slices.length];
        List<Long> dropped = new ArrayList<>();
        for (int axis = 0; axis < slices.length; axis++) {
            axes[axis] = axis;
            switch (slices[axis]) {
                case Slice.At at -> {
                    start[axis] = at.index();
                    stop[axis] = at.index() == -1 ? Long.MAX_VALUE : at.index() + 1L;
                    step[axis] = 1;
                    dropped.add((long) axis);
                }
                case Slice.Range range -> {
                    step[axis] = range.step();
                    boolean forward = range.step() > 0;
                    start[axis] = range.start() != null ? range.start() : forward ? 0 : Long.MAX_VALUE;
                    stop[axis] = range.stop() != null ? range.stop() : forward ? Long.MAX_VALUE : Long.MIN_VALUE;
                }
            }
        }
        NodeOutput sliced = g.node("Slice", 8, "index", Attributes.empty(), x, g.i64(start), g.i64(stop), g.i64(step),
                g.i64(axes));
        if (dropped.isEmpty()) {
            return sliced;
        }
        return g.node("Squeeze", 0, "index", Attributes.empty(), sliced,
                g.i64(dropped.stream().mapToLong(Long::longValue).toArray()));
    }

    private static Attributes convAttributes(Conv2dSpec s) {
        return Attributes.of("strides", List.of((long) s.strideH(), (long) s.strideW()),
                "pads_begin", List.of((long) s.padTop(), (long) s.padLeft()),
                "pads_end", List.of((long) s.padBottom(), (long) s.padRight()),
                "dilations", List.of((long) s.dilationH(), (long) s.dilationW()),
                "auto_pad", "explicit");
    }

    /** Convolution, or GroupConvolution with the OIHW weights viewed as [G, O/G, I/G, H, W]. */
    private static NodeOutput conv2d(IrGraph g, Conv2dSpec spec, NodeOutput x, NodeOutput w, Shape weight) {
        if (spec.groups() == 1) {
            return g.node("Convolution", 1, "conv2d", convAttributes(spec), x, w);
        }
        int groups = spec.groups();
        NodeOutput grouped = g.node("Reshape", 1, "conv2d", Attributes.of("special_zero", false), w,
                g.i64(groups, weight.dim(0) / groups, weight.dim(1), weight.dim(2), weight.dim(3)));
        return g.node("GroupConvolution", 1, "conv2d", convAttributes(spec), x, grouped);
    }

    /** MVN over the trailing axes (variance normalized, eps inside the root), then a Multiply and an Add if scaled. */
    private static NodeOutput layerNorm(IrGraph g, Op.LayerNorm op, List<NodeOutput> in, int rank) {
        long[] axes = new long[op.axes()];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = rank - op.axes() + i;
        }
        NodeOutput normalized = g.node("MVN", 6, op.name(), Attributes.of("normalize_variance", true, "eps", op.eps(),
                "eps_mode", "inside_sqrt"), in.getFirst(), g.i64(axes));
        return in.size() == 1 ? normalized
                : binary(g, BinaryOp.ADD, binary(g, BinaryOp.MUL, normalized, in.get(1)), in.get(2));
    }

    /** The MatMul, an Add of the bias (broadcast along the last axis), and a Maximum and Minimum with finite bounds. */
    private static NodeOutput matmulBias(IrGraph g, Op.MatMulBias op, List<NodeOutput> in, DType dtype) {
        NodeOutput product = g.node("MatMul", 0, op.name(), Attributes.of("transpose_a", op.transposeA(),
                "transpose_b", op.transposeB()), in.get(0), in.get(1));
        return clamped(g, binary(g, BinaryOp.ADD, product, in.get(2)), op.low(), op.high(), dtype);
    }

    /** {@code value} with a Maximum with a finite {@code low}, then a Minimum with a finite {@code high}. */
    private static NodeOutput clamped(IrGraph g, NodeOutput value, double low, double high, DType dtype) {
        if (low != Double.NEGATIVE_INFINITY) {
            value = binary(g, BinaryOp.MAXIMUM, value, g.weakScalar(WeakScalar.of(low), dtype));
        }
        if (high != Double.POSITIVE_INFINITY) {
            value = binary(g, BinaryOp.MINIMUM, value, g.weakScalar(WeakScalar.of(high), dtype));
        }
        return value;
    }

    /**
     * The convolution, an Add of the bias as [1, O, 1, 1], an Add of the residual when there is one, and a Maximum
     * and Minimum with each finite bound.
     */
    private static NodeOutput conv2dBias(IrGraph g, String op, Conv2dSpec spec, double low, double high, NodeOutput x,
            NodeOutput weight, NodeOutput bias, NodeOutput residual, Shape weightShape, DType dtype) {
        NodeOutput conv = conv2d(g, spec, x, weight, weightShape);
        NodeOutput reshaped = g.node("Reshape", 1, op, Attributes.of("special_zero", false), bias,
                g.i64(1, weightShape.dim(0), 1, 1));
        NodeOutput value = binary(g, BinaryOp.ADD, conv, reshaped);
        if (residual != null) {
            value = binary(g, BinaryOp.ADD, value, residual);
        }
        return clamped(g, value, low, high, dtype);
    }

    /** Each layer as {@link #conv2dBias}, the residual (when there is one) added to the last. */
    private static NodeOutput conv2dBlock(IrGraph g, Op.Conv2dBlock op, List<NodeOutput> in, List<TensorType> types,
            DType dtype) {
        NodeOutput value = in.getFirst();
        int layers = op.layers().size();
        for (int i = 0; i < layers; i++) {
            Op.Conv2dBlock.Layer layer = op.layers().get(i);
            NodeOutput residual = i == layers - 1 && op.hasResidual(in.size()) ? in.getLast() : null;
            value = conv2dBias(g, op.name(), layer.spec(), layer.low(), layer.high(), value, in.get(2 * i + 1),
                    in.get(2 * i + 2), residual, types.get(2 * i + 1).shape(), dtype);
        }
        return value;
    }

    /** MaxPool-1 / AvgPool-1; padded positions never win a max and are not counted in an average. */
    private static NodeOutput pool2d(IrGraph g, Pool2dSpec s, NodeOutput x) {
        List<Long> strides = List.of((long) s.strideH(), (long) s.strideW());
        List<Long> pads = List.of((long) s.padH(), (long) s.padW());
        List<Long> kernel = List.of((long) s.kernelH(), (long) s.kernelW());
        if (s.kind() == Pool2dSpec.Kind.MAX) {
            return g.node("MaxPool", 1, "maxPool2d", Attributes.of("strides", strides, "pads_begin", pads,
                    "pads_end", pads, "kernel", kernel, "rounding_type", "floor", "auto_pad", "explicit"), x);
        }
        return g.node("AvgPool", 1, "avgPool2d", Attributes.of("strides", strides, "pads_begin", pads,
                "pads_end", pads, "kernel", kernel, "exclude-pad", true, "rounding_type", "floor",
                "auto_pad", "explicit"), x);
    }

    /** ConvolutionBackpropData-1, its output_padding chosen to give exactly the input shape. */
    private static NodeOutput conv2dBackwardInput(IrGraph g, Op.Conv2dBackwardInput op, NodeOutput dy, NodeOutput w,
            List<TensorType> types) {
        Conv2dSpec s = op.spec();
        if (s.groups() != 1) {
            throw new ExportException(op.name() + " with groups has no IR mapping yet (GroupConvolutionBackpropData)");
        }
        Shape dyShape = types.get(0).shape();
        Shape weight = types.get(1).shape();
        long outH = (long) s.strideH() * (dyShape.dim(2) - 1) + (long) s.dilationH() * (weight.dim(2) - 1) + 1
                - s.padTop() - s.padBottom();
        long outW = (long) s.strideW() * (dyShape.dim(3) - 1) + (long) s.dilationW() * (weight.dim(3) - 1) + 1
                - s.padLeft() - s.padRight();
        Attributes a = Attributes.of("strides", List.of((long) s.strideH(), (long) s.strideW()),
                "dilations", List.of((long) s.dilationH(), (long) s.dilationW()),
                "pads_begin", List.of((long) s.padTop(), (long) s.padLeft()),
                "pads_end", List.of((long) s.padBottom(), (long) s.padRight()),
                "auto_pad", "explicit",
                "output_padding", List.of(op.inputShape().dim(2) - outH, op.inputShape().dim(3) - outW));
        return g.node("ConvolutionBackpropData", 1, op.name(), a, dy, w);
    }
}
