package dev.adjoint.openvino.onnx;

import dev.adjoint.openvino.ir.Attributes;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.Node;
import dev.adjoint.openvino.ir.NodeOutput;
import dev.adjoint.openvino.ir.PartialShape;
import dev.adjoint.openvino.onnx.proto.OnnxProto.TensorProto;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ONNX op table: one converter per ONNX op type, mapping it onto IR ops (opset1..15 versions the {@code ir}
 * module defines). Where an ONNX op's meaning changed between opsets the converter branches on
 * {@link NodeContext#opset()}; docs/onnx.md lists the mapping.
 */
final class OnnxOps {
    /** Converts one node; returns its outputs in ONNX order (null or a shorter list: not produced). */
    interface Converter {
        List<NodeOutput> convert(NodeContext c);
    }

    private static final Map<String, Converter> TABLE = new TreeMap<>();

    private OnnxOps() {
    }

    static Converter converter(String opType) {
        return TABLE.get(opType);
    }

    /** The ONNX op types this table converts. */
    static java.util.Set<String> supported() {
        return Collections.unmodifiableSet(TABLE.keySet());
    }

    private static void put(String onnx, Converter c) {
        TABLE.put(onnx, c);
    }

    private static List<NodeOutput> one(NodeOutput v) {
        return List.of(v);
    }

    static {
        elementwise();
        activations();
        linearAlgebra();
        windows();
        shapes();
        reductions();
        normalization();
        resize();
    }

    // ---- element-wise ----

    private static void elementwise() {
        binary("Add", "Add");
        binary("Sub", "Subtract");
        binary("Mul", "Multiply");
        put("Div", c -> {
            NodeOutput[] ab = legacyBroadcast(c);
            // ONNX integer division truncates toward zero (C), IR's default is Python's floor division.
            return one(c.op("Divide", 1, Attributes.of("auto_broadcast", autoBroadcast(c), "m_pythondiv", false),
                    ab[0], ab[1]));
        });
        put("Pow", c -> {
            NodeOutput[] ab = legacyBroadcast(c);
            NodeOutput exponent = ab[1].type() == ab[0].type() ? ab[1]
                    : c.op("Convert", 0, Attributes.of("destination_type", ab[0].type()), ab[1]);
            return one(c.op("Power", 1, Attributes.of("auto_broadcast", autoBroadcast(c)), ab[0], exponent));
        });
        put("Mod", c -> {
            boolean fmod = c.i("fmod", 0) != 0;
            String op = fmod ? "Mod" : "FloorMod";
            if (!fmod && c.in(0).type().isReal()) {
                throw NodeContext.unsupported("fmod=0 on floating-point inputs is not defined by ONNX");
            }
            return one(c.op(op, 1, c.in(0), c.in(1)));
        });
        for (String[] p : new String[][] {{"Equal", "Equal"}, {"Less", "Less"}, {"Greater", "Greater"},
            {"LessOrEqual", "LessEqual"}, {"GreaterOrEqual", "GreaterEqual"}, {"And", "LogicalAnd"},
            {"Or", "LogicalOr"}, {"Xor", "LogicalXor"}}) {
            binary(p[0], p[1]);
        }
        variadic("Sum", "Add");
        variadic("Max", "Maximum");
        variadic("Min", "Minimum");
        put("Mean", c -> {
            NodeOutput sum = variadicFold(c, "Add");
            return one(c.op("Divide", 1, sum, c.scalarLike(sum, c.inputCount())));
        });
        put("Where", c -> one(c.op("Select", 1, c.in(0), c.in(1), c.in(2))));
        put("Not", c -> one(c.op("LogicalNot", 1, c.in(0))));
        for (String[] p : new String[][] {{"Abs", "Abs"}, {"Neg", "Negative"}, {"Exp", "Exp"}, {"Log", "Log"},
            {"Sqrt", "Sqrt"}, {"Sigmoid", "Sigmoid"}, {"Tanh", "Tanh"}, {"Relu", "Relu"}, {"Erf", "Erf"},
            {"Sign", "Sign"}, {"Floor", "Floor"}, {"Ceil", "Ceiling"}, {"Sin", "Sin"}, {"Cos", "Cos"}}) {
            put(p[0], c -> {
                c.ignore("consumed_inputs"); // opset 1 bookkeeping, no effect on values
                return one(c.op(p[1], 0, c.in(0)));
            });
        }
        put("Reciprocal", c -> one(c.op("Divide", 1, c.scalarLike(c.in(0), 1), c.in(0))));
        put("Identity", c -> one(c.in(0)));
        put("Cast", c -> {
            ElementType to = OnnxTensors.elementType((int) c.i("to", -1));
            c.ignore("saturate"); // only affects float8 targets, which are refused above
            return one(c.op("Convert", 0, Attributes.of("destination_type", to), c.in(0)));
        });
        put("CastLike", c -> {
            c.ignore("saturate");
            return one(c.op("Convert", 0, Attributes.of("destination_type", c.in(1).type()), c.in(0)));
        });
    }

    private static void binary(String onnx, String ir) {
        put(onnx, c -> {
            NodeOutput[] ab = legacyBroadcast(c);
            return one(c.op(ir, 1, Attributes.of("auto_broadcast", autoBroadcast(c)), ab[0], ab[1]));
        });
    }

    /**
     * Before opset 7, binary ops broadcast only with {@code broadcast=1}, aligning B at {@code axis} of A; without
     * it the shapes must be equal. Returns A and B, B reshaped so that NumPy broadcasting means the same.
     */
    private static NodeOutput[] legacyBroadcast(NodeContext c) {
        c.ignore("consumed_inputs");
        NodeOutput a = c.in(0);
        NodeOutput b = c.in(1);
        if (c.opset() >= 7) {
            return new NodeOutput[] {a, b};
        }
        if (c.i("broadcast", 0) == 0 || !c.has("axis")) {
            c.has("axis");
            return new NodeOutput[] {a, b};
        }
        int rankA = c.rank(a, "legacy broadcasting with axis");
        int rankB = c.rank(b, "legacy broadcasting with axis");
        long axis = c.i("axis", 0);
        if (axis < 0) {
            axis += rankA;
        }
        int trailing = (int) (rankA - axis - rankB);
        if (axis < 0 || trailing < 0) {
            throw new IllegalArgumentException("broadcast axis " + c.i("axis", 0) + " does not fit A " + a.shape()
                    + " and B " + b.shape());
        }
        if (trailing == 0) {
            return new NodeOutput[] {a, b};
        }
        long[] axes = new long[trailing];
        for (int k = 0; k < trailing; k++) {
            axes[k] = rankB + k;
        }
        return new NodeOutput[] {a, c.op("Unsqueeze", 0, b, c.i64(axes))};
    }

    private static String autoBroadcast(NodeContext c) {
        return c.opset() < 7 && c.i("broadcast", 0) == 0 ? "none" : "numpy";
    }

    private static void variadic(String onnx, String ir) {
        put(onnx, c -> one(variadicFold(c, ir)));
    }

    private static NodeOutput variadicFold(NodeContext c, String ir) {
        c.ignore("consumed_inputs");
        NodeOutput acc = c.in(0);
        for (int k = 1; k < c.inputCount(); k++) {
            acc = c.op(ir, 1, acc, c.in(k));
        }
        return acc;
    }

    // ---- activations ----

    private static void activations() {
        put("Elu", c -> {
            c.ignore("consumed_inputs");
            return one(c.op("Elu", 0, Attributes.of("alpha", c.f("alpha", 1.0)), c.in(0)));
        });
        put("Selu", c -> {
            c.ignore("consumed_inputs");
            double alpha = c.f("alpha", 1.67326319217681884765625);
            double gamma = c.f("gamma", 1.05070102214813232421875);
            NodeOutput elu = c.op("Elu", 0, Attributes.of("alpha", alpha), c.in(0));
            return one(c.op("Multiply", 1, elu, c.scalarLike(elu, gamma)));
        });
        put("LeakyRelu", c -> {
            c.ignore("consumed_inputs");
            return one(c.op("PRelu", 0, c.in(0), c.scalarLike(c.in(0), c.f("alpha", 0.01))));
        });
        put("PRelu", c -> {
            c.ignore("consumed_inputs");
            NodeOutput x = c.in(0);
            NodeOutput slope = c.in(1);
            int rank = c.rank(x, "PRelu");
            PartialShape s = slope.shape();
            if (c.opset() < 7 && s.isRankStatic() && s.rank() == 1 && rank >= 2 && s.get(0).isStatic()
                    && s.get(0).length() != 1) {
                // PRelu-6 and older: a vector slope is per channel (axis 1), as PyTorch exported it.
                slope = c.channelVector(slope, rank);
            } else if (s.isRankStatic() && s.rank() < rank) {
                // NumPy broadcasting (unidirectional): align the slope to the last axes explicitly, so that IR's
                // per-channel reading of a 1-D slope never applies.
                long[] axes = new long[rank - s.rank()];
                for (int k = 0; k < axes.length; k++) {
                    axes[k] = k;
                }
                slope = c.op("Unsqueeze", 0, slope, c.i64(axes));
            }
            return one(c.op("PRelu", 0, x, slope));
        });
        put("HardSigmoid", c -> {
            c.ignore("consumed_inputs");
            NodeOutput x = c.in(0);
            NodeOutput ax = c.op("Multiply", 1, x, c.scalarLike(x, c.f("alpha", 0.2)));
            NodeOutput shifted = c.op("Add", 1, ax, c.scalarLike(x, c.f("beta", 0.5)));
            return one(c.op("Clamp", 0, Attributes.of("min", 0.0, "max", 1.0), shifted));
        });
        put("HardSwish", c -> one(c.op("HSwish", 4, c.in(0))));
        put("Mish", c -> one(c.op("Mish", 4, c.in(0))));
        put("Softplus", c -> {
            // log(1 + exp(x)) = max(x, 0) + log(1 + exp(-|x|)): no overflow for large |x|.
            NodeOutput x = c.in(0);
            NodeOutput e = c.op("Exp", 0, c.op("Negative", 0, c.op("Abs", 0, x)));
            NodeOutput log = c.op("Log", 0, c.op("Add", 1, e, c.scalarLike(x, 1)));
            return one(c.op("Add", 1, c.op("Relu", 0, x), log));
        });
        put("Softsign", c -> {
            NodeOutput x = c.in(0);
            return one(c.op("Divide", 1, x, c.op("Add", 1, c.op("Abs", 0, x), c.scalarLike(x, 1))));
        });
        put("Gelu", c -> {
            String approximate = c.s("approximate", "none");
            String mode = switch (approximate) {
                case "none" -> "ERF";
                case "tanh" -> "TANH";
                default -> throw NodeContext.unsupported("approximate=" + approximate + " is not supported");
            };
            return one(c.op("Gelu", 7, Attributes.of("approximation_mode", mode), c.in(0)));
        });
        put("Shrink", c -> {
            NodeOutput x = c.in(0);
            double lambd = c.f("lambd", 0.5);
            double bias = c.f("bias", 0);
            NodeOutput below = c.op("Less", 1, x, c.scalarLike(x, -lambd));
            NodeOutput above = c.op("Greater", 1, x, c.scalarLike(x, lambd));
            NodeOutput zero = c.scalarLike(x, 0);
            NodeOutput up = c.op("Select", 1, above, c.op("Subtract", 1, x, c.scalarLike(x, bias)), zero);
            return one(c.op("Select", 1, below, c.op("Add", 1, x, c.scalarLike(x, bias)), up));
        });
        put("Clip", c -> {
            c.ignore("consumed_inputs");
            NodeOutput x = c.in(0);
            if (c.opset() < 11) {
                double min = c.f("min", -Float.MAX_VALUE);
                double max = c.f("max", Float.MAX_VALUE);
                return one(c.op("Clamp", 0, Attributes.of("min", min, "max", max), x));
            }
            var min = c.constReals(1);
            var max = c.constReals(2);
            boolean constMin = !c.hasInput(1) || min.isPresent() && min.get().length == 1;
            boolean constMax = !c.hasInput(2) || max.isPresent() && max.get().length == 1;
            if (constMin && constMax && x.type().isReal()) {
                double lo = c.hasInput(1) ? min.get()[0] : Double.NEGATIVE_INFINITY;
                double hi = c.hasInput(2) ? max.get()[0] : Double.POSITIVE_INFINITY;
                if (lo <= hi) {
                    return one(c.op("Clamp", 0, Attributes.of("min", lo, "max", hi), x));
                }
            }
            // ONNX: min(max(x, lo), hi), so lo > hi gives hi everywhere.
            NodeOutput y = x;
            if (c.hasInput(1)) {
                y = c.op("Maximum", 1, y, c.in(1));
            }
            if (c.hasInput(2)) {
                y = c.op("Minimum", 1, y, c.in(2));
            }
            return one(y);
        });
        put("Softmax", c -> one(softmax(c, "Softmax", 8)));
        put("LogSoftmax", c -> one(softmax(c, "LogSoftmax", 5)));
        put("Dropout", c -> {
            c.ignore("ratio", "seed", "consumed_inputs");
            if (c.opset() < 7) {
                c.ignore("is_test");
            }
            if (c.hasInput(2)) {
                var training = c.constReals(2);
                if (training.isEmpty() || training.get()[0] != 0) {
                    throw NodeContext.unsupported("training_mode must be a constant false (inference only)");
                }
            }
            return one(c.in(0)); // the mask (output 1) is not produced
        });
    }

    /**
     * Softmax and LogSoftmax. Before opset 13 the input is coerced to 2-D at {@code axis} (default 1) and the
     * softmax runs over the flattened trailing part; from opset 13 it runs over one axis (default -1).
     */
    private static NodeOutput softmax(NodeContext c, String ir, int version) {
        NodeOutput x = c.in(0);
        if (c.opset() >= 13) {
            return c.op(ir, version, Attributes.of("axis", c.i("axis", -1)), x);
        }
        int rank = c.rank(x, c.proto().getOpType());
        long axis = c.i("axis", 1);
        if (axis < 0) {
            axis += rank;
        }
        if (axis < 0 || axis > rank) {
            throw new IllegalArgumentException("axis " + c.i("axis", 1) + " is out of range for rank " + rank);
        }
        if (axis == rank - 1) {
            return c.op(ir, version, Attributes.of("axis", (long) rank - 1), x);
        }
        if (axis == rank) {
            // Softmax over an empty group of axes: each element alone (softmax 1, log-softmax 0).
            throw NodeContext.unsupported("axis equal to the rank is not supported");
        }
        NodeOutput flat = flatten(c, x, (int) axis);
        NodeOutput y = c.op(ir, version, Attributes.of("axis", 1L), flat);
        return c.op("Reshape", 1, y, shapeOf(c, x));
    }

    private static NodeOutput shapeOf(NodeContext c, NodeOutput x) {
        if (x.shape().isStatic()) {
            return c.i64(x.shape().lengths());
        }
        return c.op("ShapeOf", 3, Attributes.of("output_type", ElementType.I64), x);
    }

    /** ONNX Flatten: {@code [prod(d[:axis]), prod(d[axis:])]}. */
    static NodeOutput flatten(NodeContext c, NodeOutput x, int axis) {
        PartialShape s = x.shape();
        int rank = s.rank();
        Attributes zero = Attributes.of("special_zero", false);
        if (axis == 0) {
            return c.op("Reshape", 1, zero, x, c.i64(1, -1));
        }
        long head = 1;
        long tail = 1;
        boolean headStatic = true;
        boolean tailStatic = true;
        for (int k = 0; k < rank; k++) {
            if (!s.get(k).isStatic()) {
                if (k < axis) {
                    headStatic = false;
                } else {
                    tailStatic = false;
                }
            } else if (k < axis) {
                head = Math.multiplyExact(head, s.get(k).length());
            } else {
                tail = Math.multiplyExact(tail, s.get(k).length());
            }
        }
        if (tailStatic && (tail != 0 || headStatic)) {
            return c.op("Reshape", 1, zero, x, c.i64(headStatic ? head : -1, tail));
        }
        if (headStatic && head != 0) {
            return c.op("Reshape", 1, zero, x, c.i64(head, -1));
        }
        NodeOutput shape = c.op("ShapeOf", 3, Attributes.of("output_type", ElementType.I64), x);
        NodeOutput h = c.op("ReduceProd", 1, Attributes.of("keep_dims", true),
                c.op("Slice", 8, shape, c.i64(0), c.i64(axis), c.i64(1), c.i64(0)), c.i64(0));
        NodeOutput t = c.op("ReduceProd", 1, Attributes.of("keep_dims", true),
                c.op("Slice", 8, shape, c.i64(axis), c.i64(Long.MAX_VALUE), c.i64(1), c.i64(0)), c.i64(0));
        return c.op("Reshape", 1, zero, x, c.op("Concat", 0, Attributes.of("axis", 0L), h, t));
    }

    // ---- MatMul, Gemm ----

    private static void linearAlgebra() {
        put("MatMul", c -> one(c.op("MatMul", 0, c.in(0), c.in(1))));
        put("Gemm", c -> {
            c.ignore("broadcast"); // Gemm-6 and older: C broadcasts unidirectionally either way
            NodeOutput y = c.op("MatMul", 0, Attributes.of("transpose_a", c.i("transA", 0) != 0,
                    "transpose_b", c.i("transB", 0) != 0), c.in(0), c.in(1));
            double alpha = c.f("alpha", 1);
            double beta = c.f("beta", 1);
            if (alpha != 1) {
                y = c.op("Multiply", 1, y, c.scalarLike(y, alpha));
            }
            if (c.hasInput(2) && beta != 0) {
                NodeOutput bias = c.in(2);
                if (beta != 1) {
                    bias = c.op("Multiply", 1, bias, c.scalarLike(bias, beta));
                }
                y = c.op("Add", 1, y, bias);
            }
            return one(y);
        });
    }

    // ---- convolution and pooling ----

    private static String autoPad(NodeContext c) {
        String p = c.s("auto_pad", "NOTSET");
        return switch (p) {
            case "NOTSET", "" -> "explicit";
            case "VALID" -> "valid";
            case "SAME_UPPER" -> "same_upper";
            case "SAME_LOWER" -> "same_lower";
            default -> throw NodeContext.unsupported("auto_pad=" + p + " is not supported");
        };
    }

    private record Window(List<Long> strides, List<Long> dilations, List<Long> padsBegin, List<Long> padsEnd,
            String autoPad) {
    }

    private static Window window(NodeContext c, int spatial) {
        long[] strides = c.ints("strides", null);
        long[] dilations = c.ints("dilations", null);
        long[] pads = c.ints("pads", null);
        strides = strides == null ? ones(spatial) : strides;
        dilations = dilations == null ? ones(spatial) : dilations;
        pads = pads == null ? new long[2 * spatial] : pads;
        if (strides.length != spatial || dilations.length != spatial || pads.length != 2 * spatial) {
            throw new IllegalArgumentException("strides, dilations and pads must have " + spatial + ", " + spatial
                    + " and " + 2 * spatial + " values for " + spatial + " spatial axes");
        }
        String autoPad = autoPad(c);
        return new Window(list(strides), list(dilations), list(Arrays.copyOfRange(pads, 0, spatial)),
                list(Arrays.copyOfRange(pads, spatial, 2 * spatial)), autoPad);
    }

    private static long[] ones(int n) {
        long[] a = new long[n];
        Arrays.fill(a, 1);
        return a;
    }

    private static List<Long> list(long[] a) {
        return Arrays.stream(a).boxed().toList();
    }

    private static int spatialRank(NodeContext c, NodeOutput w, String what) {
        int rank = c.rank(w, what);
        if (rank < 3) {
            throw new IllegalArgumentException(what + " weights must have rank >= 3, got " + w.shape());
        }
        return rank - 2;
    }

    private static void checkKernel(NodeContext c, NodeOutput w, int spatial) {
        long[] kernel = c.ints("kernel_shape", null);
        if (kernel != null && w.shape().isStatic()) {
            long[] dims = w.shape().lengths();
            if (!Arrays.equals(kernel, Arrays.copyOfRange(dims, 2, 2 + spatial))) {
                throw new IllegalArgumentException("kernel_shape " + Arrays.toString(kernel) + " does not match the"
                        + " weights " + w.shape());
            }
        }
    }

    private static void windows() {
        put("Conv", c -> {
            NodeOutput x = c.in(0);
            NodeOutput w = c.in(1);
            int spatial = spatialRank(c, w, "Conv");
            checkKernel(c, w, spatial);
            Window win = window(c, spatial);
            Attributes attrs = Attributes.of("strides", win.strides(), "dilations", win.dilations(),
                    "pads_begin", win.padsBegin(), "pads_end", win.padsEnd(), "auto_pad", win.autoPad());
            long group = c.i("group", 1);
            NodeOutput y;
            if (group == 1) {
                y = c.op("Convolution", 1, attrs, x, w);
            } else {
                if (!w.shape().isStatic()) {
                    throw NodeContext.unsupported("group=" + group + " needs weights of static shape, got "
                            + w.shape());
                }
                long[] dims = w.shape().lengths();
                if (group < 1 || dims[0] % group != 0) {
                    throw new IllegalArgumentException("group=" + group + " does not divide the " + dims[0]
                            + " output channels");
                }
                long[] grouped = new long[dims.length + 1];
                grouped[0] = group;
                grouped[1] = dims[0] / group;
                System.arraycopy(dims, 1, grouped, 2, dims.length - 1);
                NodeOutput gw = c.op("Reshape", 1, Attributes.of("special_zero", false), w, c.i64(grouped));
                y = c.op("GroupConvolution", 1, attrs, x, gw);
            }
            if (c.hasInput(2)) {
                y = c.op("Add", 1, y, c.channelVector(c.in(2), spatial + 2));
            }
            return one(y);
        });
        put("ConvTranspose", OnnxOps::convTranspose);
        put("MaxPool", c -> {
            NodeOutput x = c.in(0);
            int spatial = c.rank(x, "MaxPool") - 2;
            Attributes attrs = poolAttributes(c, spatial, true);
            if (c.i("storage_order", 0) != 0 && c.outputUsed(1)) {
                throw NodeContext.unsupported("storage_order=1 (column-major indices) is not supported");
            }
            Node pool = c.node("MaxPool", 14, attrs, x);
            if (c.outputUsed(1)) {
                return List.of(pool.output(0), pool.output(1));
            }
            return one(pool.output(0));
        });
        put("AveragePool", c -> {
            NodeOutput x = c.in(0);
            int spatial = c.rank(x, "AveragePool") - 2;
            return one(c.op("AvgPool", 14, poolAttributes(c, spatial, false), x));
        });
        put("GlobalAveragePool", c -> one(global(c, "ReduceMean")));
        put("GlobalMaxPool", c -> one(global(c, "ReduceMax")));
        for (String op : new String[] {"SequenceEmpty", "SequenceConstruct", "SequenceInsert", "SequenceAt",
            "SequenceErase", "SequenceLength", "SplitToSequence", "ConcatFromSequence", "SequenceMap"}) {
            put(op, c -> {
                throw NodeContext.unsupported("ONNX sequence values have no IR counterpart (IR values are tensors)");
            });
        }
        put("LpPool", c -> {
            throw NodeContext.unsupported("LpPool has no IR counterpart");
        });
    }

    private static Attributes poolAttributes(NodeContext c, int spatial, boolean max) {
        long[] kernel = c.ints("kernel_shape", null);
        if (kernel == null || kernel.length != spatial) {
            throw new IllegalArgumentException("kernel_shape must have " + spatial + " values");
        }
        Window win = window(c, spatial);
        // ONNX's ceil_mode drops a last window that would start in the end padding, as PyTorch does.
        String rounding = c.i("ceil_mode", 0) != 0 ? "ceil_torch" : "floor";
        if (max) {
            return Attributes.of("strides", win.strides(), "dilations", win.dilations(), "pads_begin",
                    win.padsBegin(), "pads_end", win.padsEnd(), "kernel", list(kernel), "rounding_type", rounding,
                    "auto_pad", win.autoPad(), "index_element_type", ElementType.I64, "axis", 0L);
        }
        if (!win.dilations().stream().allMatch(d -> d == 1)) {
            throw NodeContext.unsupported("AveragePool with dilations " + win.dilations() + " is not supported");
        }
        return Attributes.of("strides", win.strides(), "pads_begin", win.padsBegin(), "pads_end", win.padsEnd(),
                "kernel", list(kernel), "exclude-pad", c.i("count_include_pad", 0) == 0, "rounding_type", rounding,
                "auto_pad", win.autoPad());
    }

    private static NodeOutput global(NodeContext c, String reduce) {
        NodeOutput x = c.in(0);
        int rank = c.rank(x, c.proto().getOpType());
        long[] axes = new long[rank - 2];
        for (int k = 0; k < axes.length; k++) {
            axes[k] = k + 2;
        }
        return c.op(reduce, 1, Attributes.of("keep_dims", true), x, c.i64(axes));
    }

    private static List<NodeOutput> convTranspose(NodeContext c) {
        NodeOutput x = c.in(0);
        NodeOutput w = c.in(1);
        int spatial = spatialRank(c, w, "ConvTranspose");
        checkKernel(c, w, spatial);
        Window win = window(c, spatial);
        long[] outputPadding = c.ints("output_padding", new long[spatial]);
        long[] outputShape = c.ints("output_shape", null);
        long group = c.i("group", 1);
        if (group < 1) {
            throw new IllegalArgumentException("group=" + group + " must be positive");
        }
        if (outputPadding.length != spatial) {
            throw new IllegalArgumentException("output_padding must have " + spatial + " values");
        }
        List<Long> padsBegin = win.padsBegin();
        List<Long> padsEnd = win.padsEnd();
        if (outputShape != null || !win.autoPad().equals("explicit") && !win.autoPad().equals("valid")) {
            // The pads follow from the wanted output size: compute them here (ONNX's rule), from static sizes.
            PartialShape xs = x.shape();
            if (!w.shape().isStatic() || !xs.isRankStatic()) {
                throw NodeContext.unsupported("output_shape/auto_pad need static input and weight shapes");
            }
            long[] out = outputShape == null ? null
                    : Arrays.copyOfRange(outputShape, outputShape.length - spatial, outputShape.length);
            Long[] begin = new Long[spatial];
            Long[] end = new Long[spatial];
            for (int k = 0; k < spatial; k++) {
                if (!xs.get(2 + k).isStatic()) {
                    throw NodeContext.unsupported("output_shape/auto_pad need static spatial input sizes");
                }
                long in = xs.get(2 + k).length();
                long stride = win.strides().get(k);
                long kernel = (w.shape().lengths()[2 + k] - 1) * win.dilations().get(k) + 1;
                long target = out != null ? out[k] : in * stride;
                long total = stride * (in - 1) + outputPadding[k] + kernel - target;
                if (total < 0) {
                    throw NodeContext.unsupported("output_shape " + Arrays.toString(outputShape)
                            + " needs negative padding, which is not supported");
                }
                // ONNX: SAME_UPPER puts the smaller half first; NOTSET and SAME_LOWER the larger half.
                boolean upper = win.autoPad().equals("same_upper");
                begin[k] = upper ? total / 2 : total - total / 2;
                end[k] = total - begin[k];
            }
            padsBegin = List.of(begin);
            padsEnd = List.of(end);
        }
        String autoPad = win.autoPad().equals("valid") ? "valid" : "explicit";
        Attributes attrs = Attributes.of("strides", win.strides(), "dilations", win.dilations(), "pads_begin",
                padsBegin, "pads_end", padsEnd, "auto_pad", autoPad, "output_padding", list(outputPadding));
        NodeOutput y;
        if (group == 1) {
            y = c.op("ConvolutionBackpropData", 1, attrs, x, w);
        } else {
            // IR has no GroupConvolutionBackpropData here: one transposed convolution per group, concatenated.
            Node xs = c.node("Split", 1, Attributes.of("num_splits", group), x, c.i64Scalar(1));
            Node ws = c.node("Split", 1, Attributes.of("num_splits", group), w, c.i64Scalar(0));
            NodeOutput[] parts = new NodeOutput[(int) group];
            for (int g = 0; g < group; g++) {
                parts[g] = c.op("ConvolutionBackpropData", 1, attrs, xs.output(g), ws.output(g));
            }
            y = c.op("Concat", 0, Attributes.of("axis", 1L), parts);
        }
        if (c.hasInput(2)) {
            y = c.op("Add", 1, y, c.channelVector(c.in(2), spatial + 2));
        }
        return one(y);
    }

    // ---- shapes and data movement ----

    private static void shapes() {
        put("Reshape", c -> {
            c.ignore("consumed_inputs");
            NodeOutput shape = c.opset() < 5 ? c.i64(c.ints("shape", new long[0])) : c.toI64(c.in(1));
            boolean allowZero = c.i("allowzero", 0) != 0;
            return one(c.op("Reshape", 1, Attributes.of("special_zero", !allowZero), c.in(0), shape));
        });
        put("Flatten", c -> {
            NodeOutput x = c.in(0);
            int rank = c.rank(x, "Flatten");
            long axis = c.i("axis", 1);
            if (axis < 0) {
                axis += rank;
            }
            if (axis < 0 || axis > rank) {
                throw new IllegalArgumentException("axis " + c.i("axis", 1) + " is out of range for rank " + rank);
            }
            return one(flatten(c, x, (int) axis));
        });
        put("Transpose", c -> {
            NodeOutput x = c.in(0);
            long[] perm = c.ints("perm", null);
            if (perm == null) {
                int rank = c.rank(x, "Transpose without perm");
                perm = new long[rank];
                for (int k = 0; k < rank; k++) {
                    perm[k] = rank - 1 - k;
                }
            }
            return one(c.op("Transpose", 1, x, c.i64(perm)));
        });
        put("Squeeze", c -> {
            NodeOutput axes = axesInput(c, 13);
            return one(axes == null ? c.op("Squeeze", 0, c.in(0)) : c.op("Squeeze", 0, c.in(0), axes));
        });
        put("Unsqueeze", c -> {
            NodeOutput axes = axesInput(c, 13);
            if (axes == null) {
                throw new IllegalArgumentException("axes are required");
            }
            return one(c.op("Unsqueeze", 0, c.in(0), axes));
        });
        put("Concat", c -> {
            long axis = c.i("axis", c.opset() < 4 ? 1 : Long.MIN_VALUE);
            if (axis == Long.MIN_VALUE) {
                throw new IllegalArgumentException("attribute axis is required");
            }
            List<NodeOutput> ins = new ArrayList<>();
            for (int k = 0; k < c.inputCount(); k++) {
                ins.add(c.in(k));
            }
            return one(c.op("Concat", 0, Attributes.of("axis", axis), ins.toArray(NodeOutput[]::new)));
        });
        put("Split", OnnxOps::split);
        put("Gather", c -> one(c.op("Gather", 8, Attributes.of("batch_dims", 0L), c.in(0), c.in(1),
                c.i64Scalar(c.i("axis", 0)))));
        put("Slice", OnnxOps::slice);
        put("Pad", OnnxOps::pad);
        put("Shape", c -> {
            NodeOutput shape = c.op("ShapeOf", 3, Attributes.of("output_type", ElementType.I64), c.in(0));
            long start = c.i("start", 0);
            boolean hasEnd = c.has("end");
            if (start == 0 && !hasEnd) {
                return one(shape);
            }
            long end = hasEnd ? c.i("end", 0) : Long.MAX_VALUE;
            return one(c.op("Slice", 8, shape, c.i64(start), c.i64(end), c.i64(1), c.i64(0)));
        });
        put("Size", c -> {
            NodeOutput shape = c.op("ShapeOf", 3, Attributes.of("output_type", ElementType.I64), c.in(0));
            return one(c.op("ReduceProd", 1, Attributes.of("keep_dims", false), shape, c.i64(0)));
        });
        put("Constant", OnnxOps::constant);
        put("ConstantOfShape", c -> {
            TensorProto t = c.tensor("value");
            NodeOutput value;
            if (t == null) {
                value = c.scalar(ElementType.F32, 0);
            } else {
                OnnxTensors.Value v = tensorValue(t);
                if (v.count() != 1) {
                    throw new IllegalArgumentException("value must hold one element, got " + v);
                }
                value = c.graph().constant(c.proto().getOutput(0) + "/value", v.type(), new long[0], v.data())
                        .output(0);
            }
            return one(c.op("Broadcast", 3, Attributes.of("mode", "numpy"), value, c.toI64(c.in(0))));
        });
        put("Expand", c -> one(c.op("Broadcast", 3, Attributes.of("mode", "bidirectional"), c.in(0),
                c.toI64(c.in(1)))));
        put("Tile", c -> {
            if (c.opset() < 6) {
                throw NodeContext.unsupported("Tile-1 (tiles and axis inputs) is not supported");
            }
            return one(c.op("Tile", 0, c.in(0), c.toI64(c.in(1))));
        });
    }

    /** Axes from the attribute (before {@code inputFrom}) or the optional input 1; null when not given. */
    private static NodeOutput axesInput(NodeContext c, int inputFrom) {
        if (c.opset() < inputFrom) {
            long[] axes = c.ints("axes", null);
            return axes == null ? null : c.i64(axes);
        }
        return c.hasInput(1) ? c.toI64(c.in(1)) : null;
    }

    private static List<NodeOutput> split(NodeContext c) {
        NodeOutput x = c.in(0);
        long axis = c.i("axis", 0);
        int outputs = c.outputCount();
        long[] lengths = null;
        if (c.opset() < 13) {
            lengths = c.ints("split", null);
            if (lengths == null && c.opset() < 2 && c.hasInput(1)) {
                lengths = c.constInts(1).orElseThrow(() -> NodeContext.unsupported("a non-constant split input"));
            }
        } else if (c.hasInput(1)) {
            lengths = c.constInts(1).orElseThrow(() -> NodeContext.unsupported("split lengths must be constant"));
        }
        if (c.opset() >= 18 && c.has("num_outputs")) {
            long n = c.i("num_outputs", outputs);
            PartialShape s = x.shape();
            int rank = c.rank(x, "Split");
            int ax = (int) (axis < 0 ? axis + rank : axis);
            if (!s.get(ax).isStatic()) {
                throw NodeContext.unsupported("num_outputs with a dynamic split axis");
            }
            long len = s.get(ax).length();
            long chunk = (len + n - 1) / n;
            lengths = new long[(int) n];
            for (int k = 0; k < n; k++) {
                lengths[k] = Math.max(0, Math.min(chunk, len - k * chunk));
            }
        }
        Node split;
        if (lengths == null) {
            split = c.node("Split", 1, Attributes.of("num_splits", (long) outputs), x, c.i64Scalar(axis));
        } else {
            if (lengths.length != outputs) {
                throw new IllegalArgumentException("split has " + lengths.length + " lengths for " + outputs
                        + " outputs");
            }
            split = c.node("VariadicSplit", 1, Attributes.empty(), x, c.i64Scalar(axis), c.i64(lengths));
        }
        List<NodeOutput> out = new ArrayList<>();
        for (int k = 0; k < outputs; k++) {
            out.add(split.output(k));
        }
        return out;
    }

    private static List<NodeOutput> slice(NodeContext c) {
        NodeOutput x = c.in(0);
        NodeOutput starts;
        NodeOutput ends;
        NodeOutput axes = null;
        NodeOutput steps = null;
        int count;
        if (c.opset() < 10) {
            long[] s = c.ints("starts", null);
            long[] e = c.ints("ends", null);
            long[] a = c.ints("axes", null);
            if (s == null || e == null || s.length != e.length || a != null && a.length != s.length) {
                throw new IllegalArgumentException("starts and ends (and axes) must be given with equal lengths");
            }
            starts = c.i64(s);
            ends = c.i64(e);
            axes = a == null ? null : c.i64(a);
            count = s.length;
        } else {
            starts = c.toI64(c.in(1));
            ends = c.toI64(c.in(2));
            axes = c.hasInput(3) ? c.toI64(c.in(3)) : null;
            steps = c.hasInput(4) ? c.toI64(c.in(4)) : null;
            PartialShape s = starts.shape();
            count = s.isStatic() && s.rank() == 1 ? (int) s.get(0).length() : -1;
        }
        if (steps == null) {
            if (count < 0) {
                steps = c.op("Broadcast", 3, Attributes.of("mode", "numpy"), c.i64Scalar(1),
                        c.op("ShapeOf", 3, Attributes.of("output_type", ElementType.I64), starts));
            } else {
                steps = c.i64(ones(count));
            }
        }
        if (axes == null) {
            return one(c.op("Slice", 8, x, starts, ends, steps));
        }
        return one(c.op("Slice", 8, x, starts, ends, steps, axes));
    }

    private static List<NodeOutput> pad(NodeContext c) {
        NodeOutput x = c.in(0);
        String mode = c.s("mode", "constant");
        String irMode = switch (mode) {
            case "constant" -> "constant";
            case "reflect" -> "reflect";
            case "edge" -> "edge";
            default -> throw NodeContext.unsupported("mode=" + mode + " is not supported");
        };
        NodeOutput begin;
        NodeOutput end;
        NodeOutput value;
        if (c.opset() < 11) {
            long[] pads = c.ints(c.opset() < 2 ? "paddings" : "pads", null);
            if (pads == null || pads.length % 2 != 0) {
                throw new IllegalArgumentException("pads must hold 2 * rank values");
            }
            int r = pads.length / 2;
            begin = c.i64(Arrays.copyOfRange(pads, 0, r));
            end = c.i64(Arrays.copyOfRange(pads, r, 2 * r));
            value = c.scalarLike(x, c.f("value", 0));
        } else {
            NodeOutput pads = c.toI64(c.in(1));
            var known = c.constInts(1);
            if (c.hasInput(3)) {
                long[] axes = c.constInts(3).orElseThrow(() -> NodeContext.unsupported("axes must be constant"));
                long[] p = known.orElseThrow(() -> NodeContext.unsupported("pads with axes must be constant"));
                int rank = c.rank(x, "Pad with axes");
                long[] b = new long[rank];
                long[] e = new long[rank];
                for (int k = 0; k < axes.length; k++) {
                    int a = (int) (axes[k] < 0 ? axes[k] + rank : axes[k]);
                    b[a] = p[k];
                    e[a] = p[k + axes.length];
                }
                begin = c.i64(b);
                end = c.i64(e);
            } else if (known.isPresent()) {
                long[] p = known.get();
                int r = p.length / 2;
                begin = c.i64(Arrays.copyOfRange(p, 0, r));
                end = c.i64(Arrays.copyOfRange(p, r, 2 * r));
            } else {
                Node halves = c.node("Split", 1, Attributes.of("num_splits", 2L), pads, c.i64Scalar(0));
                begin = halves.output(0);
                end = halves.output(1);
            }
            if (c.hasInput(2)) {
                value = c.op("Reshape", 1, Attributes.of("special_zero", false), c.in(2), c.i64());
            } else {
                value = c.scalarLike(x, 0);
            }
        }
        if (!irMode.equals("constant")) {
            return one(c.op("Pad", 12, Attributes.of("pad_mode", irMode), x, begin, end));
        }
        return one(c.op("Pad", 12, Attributes.of("pad_mode", irMode), x, begin, end, value));
    }

    private static OnnxTensors.Value tensorValue(TensorProto t) {
        try {
            return OnnxTensors.read(t, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<NodeOutput> constant(NodeContext c) {
        String name = c.proto().getOutput(0);
        if (c.has("sparse_value") || c.has("value_string") || c.has("value_strings")) {
            throw NodeContext.unsupported("sparse and string constants have no IR counterpart");
        }
        TensorProto t = c.tensor("value");
        if (t != null) {
            OnnxTensors.Value v = tensorValue(t);
            return one(c.graph().constant(name, v.type(), v.dims(), v.data()).output(0));
        }
        if (c.has("value_float")) {
            return one(c.graph().constant(name, new long[0], (float) c.f("value_float", 0)).output(0));
        }
        if (c.has("value_floats")) {
            float[] f = c.floats("value_floats", new float[0]);
            return one(c.graph().constant(name, new long[] {f.length}, f).output(0));
        }
        if (c.has("value_int")) {
            return one(c.graph().constantI64(name, new long[0], c.i("value_int", 0)).output(0));
        }
        if (c.has("value_ints")) {
            long[] v = c.ints("value_ints", new long[0]);
            return one(c.graph().constantI64(name, new long[] {v.length}, v).output(0));
        }
        throw new IllegalArgumentException("a Constant needs one of value, value_float(s), value_int(s)");
    }

    // ---- reductions ----

    private static void reductions() {
        reduce("ReduceMean", 18, false, "ReduceMean");
        reduce("ReduceSum", 13, false, "ReduceSum");
        reduce("ReduceMax", 18, false, "ReduceMax");
        reduce("ReduceMin", 18, false, "ReduceMin");
        reduce("ReduceProd", 18, false, "ReduceProd");
        reduce("ReduceL1", 18, false, "ReduceL1");
        reduce("ReduceL2", 18, false, "ReduceL2");
        reduce("ReduceSumSquare", 18, true, "ReduceSum");
    }

    /** A reduction whose axes become an input at opset {@code axesInputFrom}; {@code square} squares first. */
    private static void reduce(String onnx, int axesInputFrom, boolean square, String ir) {
        put(onnx, c -> {
            NodeOutput x = c.in(0);
            boolean keep = c.i("keepdims", 1) != 0;
            NodeOutput axes;
            if (c.opset() < axesInputFrom) {
                long[] a = c.ints("axes", null);
                axes = a == null ? null : c.i64(a);
            } else {
                axes = c.hasInput(1) ? c.toI64(c.in(1)) : null;
                if (axes != null && axes.shape().isStatic() && axes.shape().elementCount().orElse(1) == 0) {
                    axes = null;
                }
                if (axes == null && c.i("noop_with_empty_axes", 0) != 0) {
                    return one(x);
                }
            }
            if (axes == null) {
                int rank = c.rank(x, onnx + " over all axes");
                long[] all = new long[rank];
                for (int k = 0; k < rank; k++) {
                    all[k] = k;
                }
                axes = c.i64(all);
            }
            if (square) {
                x = c.op("Multiply", 1, x, x);
            }
            int version = ir.equals("ReduceL1") || ir.equals("ReduceL2") ? 4 : 1;
            return one(c.op(ir, version, Attributes.of("keep_dims", keep), x, axes));
        });
    }

    // ---- normalization ----

    private static void normalization() {
        put("BatchNormalization", c -> {
            c.ignore("momentum", "consumed_inputs", "is_test");
            c.require("spatial", 1, 1, "spatial=0 means per-activation statistics");
            c.require("training_mode", 0, 0, "inference only");
            Attributes eps = Attributes.of("epsilon", c.f("epsilon", 1e-5));
            // Outputs 1..4 (running statistics) exist only in training mode: not produced.
            return one(c.op("BatchNormInference", 5, eps, c.in(0), c.in(1), c.in(2), c.in(3), c.in(4)));
        });
        put("InstanceNormalization", c -> {
            NodeOutput x = c.in(0);
            int rank = c.rank(x, "InstanceNormalization");
            long[] axes = new long[rank - 2];
            for (int k = 0; k < axes.length; k++) {
                axes[k] = k + 2;
            }
            NodeOutput norm = c.op("MVN", 6, Attributes.of("normalize_variance", true, "eps", c.f("epsilon", 1e-5),
                    "eps_mode", "inside_sqrt"), x, c.i64(axes));
            NodeOutput scaled = c.op("Multiply", 1, norm, c.channelVector(c.in(1), rank));
            return one(c.op("Add", 1, scaled, c.channelVector(c.in(2), rank)));
        });
        put("LayerNormalization", c -> {
            NodeOutput x = c.in(0);
            int rank = c.rank(x, "LayerNormalization");
            long axis = c.i("axis", -1);
            axis = axis < 0 ? axis + rank : axis;
            c.ignore("stash_type"); // computation runs in float32 or wider anyway
            if (c.outputUsed(1) || c.outputUsed(2)) {
                throw NodeContext.unsupported("the Mean and InvStdDev outputs are not supported");
            }
            long[] axes = new long[(int) (rank - axis)];
            for (int k = 0; k < axes.length; k++) {
                axes[k] = axis + k;
            }
            NodeOutput y = c.op("MVN", 6, Attributes.of("normalize_variance", true, "eps", c.f("epsilon", 1e-5),
                    "eps_mode", "inside_sqrt"), x, c.i64(axes));
            y = c.op("Multiply", 1, y, c.in(1));
            if (c.hasInput(2)) {
                y = c.op("Add", 1, y, c.in(2));
            }
            return one(y);
        });
        put("LRN", c -> {
            long size = c.i("size", -1);
            if (size < 1) {
                throw new IllegalArgumentException("attribute size is required");
            }
            return one(c.op("LRN", 0, Attributes.of("alpha", c.f("alpha", 1e-4), "beta", c.f("beta", 0.75),
                    "bias", c.f("bias", 1.0), "size", size), c.in(0), c.i64(1)));
        });
    }

    // ---- Resize, Upsample ----

    private static void resize() {
        put("Upsample", c -> {
            NodeOutput x = c.in(0);
            NodeOutput scales;
            if (c.opset() < 9) {
                float[] s = c.floats("scales", null);
                if (s == null) {
                    throw new IllegalArgumentException("attribute scales is required");
                }
                double[] d = new double[s.length];
                for (int k = 0; k < s.length; k++) {
                    d[k] = s[k];
                }
                scales = c.constant(ElementType.F32, new long[] {s.length}, d);
            } else {
                scales = c.in(1);
            }
            String mode = c.s("mode", "nearest");
            return one(interpolate(c, x, scales, null, mode, "asymmetric", "simple", -0.75));
        });
        put("Resize", c -> {
            NodeOutput x = c.in(0);
            String mode = c.s("mode", "nearest");
            if (c.opset() < 11) {
                return one(interpolate(c, x, c.in(1), null, mode, "asymmetric", "simple", -0.75));
            }
            String coordinates = c.s("coordinate_transformation_mode", "half_pixel");
            if (coordinates.equals("tf_crop_and_resize") || coordinates.equals("half_pixel_symmetric")) {
                throw NodeContext.unsupported("coordinate_transformation_mode=" + coordinates + " is not supported");
            }
            c.require("exclude_outside", 0, 0, "IR's Interpolate has no such option");
            c.require("antialias", 0, 0, "antialiasing is not supported");
            String policy = c.s("keep_aspect_ratio_policy", "stretch");
            if (!policy.equals("stretch")) {
                throw NodeContext.unsupported("keep_aspect_ratio_policy=" + policy + " is not supported");
            }
            c.ignore("extrapolation_value"); // only used by tf_crop_and_resize
            long[] axes = c.ints("axes", null);
            NodeOutput scales = c.hasInput(2) && !isEmpty(c.in(2)) ? c.in(2) : null;
            NodeOutput sizes = c.hasInput(3) && !isEmpty(c.in(3)) ? c.toI64(c.in(3)) : null;
            if ((scales == null) == (sizes == null)) {
                throw new IllegalArgumentException("exactly one of scales and sizes must be given");
            }
            return one(interpolateFull(c, x, scales, sizes, axes, mode, coordinates,
                    c.s("nearest_mode", "round_prefer_floor"), c.f("cubic_coeff_a", -0.75)));
        });
    }

    private static boolean isEmpty(NodeOutput v) {
        return v.shape().isStatic() && v.shape().elementCount().orElse(1) == 0;
    }

    private static NodeOutput interpolate(NodeContext c, NodeOutput x, NodeOutput scales, NodeOutput sizes,
            String mode, String coordinates, String nearest, double cubic) {
        return interpolateFull(c, x, scales, sizes, null, mode, coordinates, nearest, cubic);
    }

    private static NodeOutput interpolateFull(NodeContext c, NodeOutput x, NodeOutput scales, NodeOutput sizes,
            long[] axes, String mode, String coordinates, String nearest, double cubic) {
        String irMode = switch (mode) {
            case "nearest" -> "nearest";
            case "linear", "bilinear" -> "linear_onnx";
            case "cubic" -> "cubic";
            default -> throw NodeContext.unsupported("mode=" + mode + " is not supported");
        };
        Attributes attrs = Attributes.of("mode", irMode, "shape_calculation_mode", sizes != null ? "sizes" : "scales",
                "coordinate_transformation_mode", coordinates, "nearest_mode", nearest, "antialias", false,
                "cube_coeff", cubic);
        NodeOutput target = sizes != null ? sizes : scales.type() == ElementType.F32 ? scales
                : c.op("Convert", 0, Attributes.of("destination_type", ElementType.F32), scales);
        if (axes != null) {
            return c.op("Interpolate", 11, attrs, x, target, c.i64(axes));
        }
        return c.op("Interpolate", 11, attrs, x, target);
    }
}
