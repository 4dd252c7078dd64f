package dev.adjoint.openvino.engine;

import dev.adjoint.Tensor;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.Node;
import dev.adjoint.openvino.ir.PartialShape;
import dev.adjoint.openvino.engine.Plan.Const;
import dev.adjoint.openvino.engine.Plan.Kind;
import dev.adjoint.openvino.engine.Plan.Operand;
import dev.adjoint.openvino.engine.Plan.SlotRef;
import dev.adjoint.openvino.engine.Plan.Step;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Folds the layers that follow almost every convolution of a classifier — the Add of a per-channel bias (a folded
 * batch norm's shift included), then the Add of a residual block's shortcut, then a Relu or a Clamp (ReLU6), each
 * where present — into the convolution's own step, which runs them as {@code Tensor.conv2dBias}: the kernels add the
 * bias and shortcut and clamp each output tile while it is still in cache, instead of passes over the whole output
 * afterwards (oneDNN calls these post-ops, ONNX Runtime fuses the shortcut's Add into its NCHWc convolution as a
 * "sum"). The results are the same, element for element, as the layers run one by one.
 *
 * <p>A layer is folded only when it is the only reader of the value before it (and that value is not a model
 * output), the convolution's output is a static 4-d float32 or float64 value, the bias is a constant of shape
 * {@code [1, O, 1, 1]} or {@code [O, 1, 1]} of the same type, and the shortcut a value of exactly the convolution's
 * type and static shape. A step with a shortcut runs where the shortcut's Add ran, as the shortcut may be computed
 * after the convolution (ResNet's downsampling branch). Runs before {@link Fusion}, which then finds fewer element-wise
 * layers to chain.
 *
 * <p>A MatMul (a dense layer: ONNX's Gemm, or MatMul then Add) takes its bias Add and Relu or Clamp the same way, as
 * {@code Tensor.matmulBias}: its output must have a static last axis, the bias be a constant of that many values
 * along it (shape {@code [N]}, {@code [1, N]}, ...; no more axes than the output), and its second operand be at least
 * a matrix. A shortcut Add after it stays a layer of its own. In the benchmark MLP this removes three of its twelve
 * steps; in a classifier, the Add after its last MatMul.
 *
 * <p>An MVN that is a layer norm (variance normalized, eps inside the root, over the trailing axes, which are static)
 * takes the Multiply by its scale and the Add of its shift, both constants of the normalized axes' shape (leading 1s
 * allowed), as {@code Tensor.layerNorm}: ONNX's LayerNormalization, which the converter writes as those three layers.
 */
final class EpilogueFusion {
    private EpilogueFusion() {
    }

    static List<Step> fuse(List<Step> steps, List<Operand> outputs) {
        Map<Integer, Integer> readers = Fusion.readers(steps, outputs);
        // A slot's reader; onlyReader consults it only for slots with exactly one.
        Map<Integer, Step> readerOf = new HashMap<>();
        for (Step s : steps) {
            for (Operand o : s.inputs()) {
                if (o instanceof SlotRef r) {
                    readerOf.put(r.slot(), s);
                }
            }
        }
        // The fused steps, by the step whose place each takes.
        // By identity: a step is a record whose constants are tensors, and hashing it hashed every weight's values
        // (ResNet-18's 46 MB on each compile).
        Map<Step, Step> replaced = new IdentityHashMap<>();
        Set<Step> absorbed = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Step conv : steps) {
            int normalized = normalizedAxes(conv);
            if (normalized > 0) {
                Step mul = onlyReader(conv, readers, readerOf);
                Const scale = mul == null || absorbed.contains(mul) ? null : affine(mul, "Multiply", conv, normalized);
                Step add = scale == null ? null : onlyReader(mul, readers, readerOf);
                Const shift = add == null || absorbed.contains(add) ? null : affine(add, "Add", mul, normalized);
                if (shift != null) {
                    replaced.put(conv, layerNorm(conv, normalized, scale, shift, mul, add));
                    absorbed.addAll(List.of(conv, mul, add));
                }
                continue;
            }
            boolean matmul = isMatMul(conv);
            if (!matmul && !isConvolution(conv)) {
                continue;
            }
            Step add = onlyReader(conv, readers, readerOf);
            Const bias = add == null || absorbed.contains(add) ? null : bias(add, conv, matmul);
            if (bias == null) {
                continue;
            }
            Step last = add;
            // A shortcut only after a convolution: a dense layer's residual Add stays a layer of its own.
            Step shortcutAdd = matmul ? null : onlyReader(add, readers, readerOf);
            Operand shortcut = shortcutAdd == null || absorbed.contains(shortcutAdd) ? null
                    : shortcut(shortcutAdd, add, conv);
            if (shortcut == null) {
                shortcutAdd = null;
            } else {
                last = shortcutAdd;
            }
            double low = Double.NEGATIVE_INFINITY, high = Double.POSITIVE_INFINITY;
            Step activation = onlyReader(last, readers, readerOf);
            if (activation != null && activation.kind() == Kind.OP && activation.node().inputs().size() == 1
                    && sameType(activation, conv)) {
                Node a = activation.node();
                if (a.is("Relu") && a.type().version() == 0) {
                    low = 0;
                    last = activation;
                } else if (Fusion.clamp(a)) {
                    low = a.attributes().getDouble("min");
                    high = a.attributes().getDouble("max");
                    last = activation;
                }
            }
            // With a shortcut, the step runs where the shortcut's Add ran: the shortcut may be computed after the
            // convolution (ResNet's downsampling branch).
            replaced.put(shortcutAdd == null ? conv : shortcutAdd,
                    matmul ? fusedMatMul(conv, bias, add, last, low, high)
                            : fused(conv, bias, add, shortcut, shortcutAdd, last, low, high));
            absorbed.add(conv);
            absorbed.add(add);
            if (shortcutAdd != null) {
                absorbed.add(shortcutAdd);
            }
            absorbed.add(last);
        }
        // The fused step takes the convolution's place (or the shortcut Add's): its inputs are ready there, and every
        // reader of its output (the last folded layer's) comes after that layer, so after its place too.
        return Fusion.replace(steps, replaced, absorbed);
    }

    private static boolean isConvolution(Step s) {
        if (s.kind() != Kind.OP || s.outputSlots().length != 1) {
            return false;
        }
        Node n = s.node();
        if (!(n.is("Convolution") || n.is("GroupConvolution")) || n.type().version() != 1) {
            return false;
        }
        ElementType t = n.outputs().get(0).type();
        PartialShape shape = n.outputs().get(0).shape();
        return (t == ElementType.F32 || t == ElementType.F64) && !shape.isRankDynamic() && shape.rank() == 4
                && shape.dims().get(1).isStatic() && n.inputs().stream().allMatch(in -> in.type() == t);
    }

    /**
     * A MatMul-0 whose output is float32 or float64 with a static last axis (its columns) and whose second operand is
     * at least a matrix, all of one type: the product {@code Tensor.matmulBias} computes.
     */
    private static boolean isMatMul(Step s) {
        if (s.kind() != Kind.OP || s.outputSlots().length != 1) {
            return false;
        }
        Node n = s.node();
        if (!n.is("MatMul") || n.type().version() != 0 || n.inputs().size() != 2) {
            return false;
        }
        ElementType t = n.outputs().get(0).type();
        PartialShape shape = n.outputs().get(0).shape();
        PartialShape b = n.inputs().get(1).shape();
        return (t == ElementType.F32 || t == ElementType.F64) && shape.isRankStatic() && shape.rank() >= 1
                && shape.dims().get(shape.rank() - 1).isStatic() && b.isRankStatic() && b.rank() >= 2
                && n.inputs().stream().allMatch(in -> in.type() == t);
    }

    /** The one step that reads {@code s}'s output, when nothing else (no model output) does. */
    private static Step onlyReader(Step s, Map<Integer, Integer> readers, Map<Integer, Step> readerOf) {
        int slot = s.outputSlots()[0];
        return readers.getOrDefault(slot, 0) == 1 ? readerOf.get(slot) : null;
    }

    private static boolean sameType(Step s, Step conv) {
        return s.node().outputs().size() == 1
                && s.node().outputs().get(0).type() == conv.node().outputs().get(0).type();
    }

    /**
     * The bias {@code add} adds to {@code conv}'s output, as a 1-d constant: per channel (axis 1) after a
     * convolution, per column (the last axis) after a MatMul, as a constant of no more axes than the output (so that
     * the Add does not broadcast the output); null when it is not one.
     */
    private static Const bias(Step add, Step conv, boolean matmul) {
        int side = readingSide(add, "Add", conv);
        if (side < 0 || !(add.inputs().get(1 - side) instanceof Const c)) {
            return null;
        }
        int[] dims = c.value().dims();
        if (matmul) {
            PartialShape out = conv.node().outputs().get(0).shape();
            int columns = (int) out.dims().get(out.rank() - 1).length();
            boolean perColumn = dims.length >= 1 && dims.length <= out.rank() && dims[dims.length - 1] == columns;
            for (int i = 0; perColumn && i < dims.length - 1; i++) {
                perColumn = dims[i] == 1;
            }
            return perColumn && c.value().elementType() == conv.node().outputs().get(0).type()
                    ? new Const(OvTensor.of(c.value().tensor().reshape(columns))) : null;
        }
        int channels = (int) conv.node().outputs().get(0).shape().dims().get(1).length();
        boolean perChannel = dims.length == 4 && dims[0] == 1 && dims[1] == channels && dims[2] == 1 && dims[3] == 1
                || dims.length == 3 && dims[0] == channels && dims[1] == 1 && dims[2] == 1;
        if (!perChannel || c.value().elementType() != conv.node().outputs().get(0).type()) {
            return null;
        }
        return new Const(OvTensor.of(c.value().tensor().reshape(channels)));
    }

    /**
     * The shortcut {@code shortcutAdd} adds to the bias Add's output: its other operand, when that is a value of the
     * convolution's type and a shape compatible with its output's (equal where both are known; a dynamic batch is
     * only known at run time, when {@link Windows#convolution} adds a shortcut of another shape as the Add would);
     * null otherwise.
     */
    private static Operand shortcut(Step shortcutAdd, Step add, Step conv) {
        // The bias Add's output has the convolution's type.
        int side = readingSide(shortcutAdd, "Add", add);
        if (side < 0) {
            return null;
        }
        Node n = shortcutAdd.node();
        int addSlot = add.outputSlots()[0];
        PartialShape out = conv.node().outputs().get(0).shape();
        var other = n.inputs().get(1 - side);
        boolean sameValue = shortcutAdd.inputs().get(1 - side) instanceof SlotRef r && r.slot() == addSlot;
        return !sameValue && other.shape().isRankStatic() && other.shape().rank() == 4 && other.shape().compatible(out)
                && other.type() == conv.node().outputs().get(0).type() ? shortcutAdd.inputs().get(1 - side) : null;
    }

    /**
     * Which operand (0 or 1) of {@code step} is {@code before}'s output, when {@code step} is a binary {@code kind}-1
     * layer (Add, Multiply) with numpy broadcasting and an output of {@code before}'s type; -1 otherwise.
     */
    private static int readingSide(Step step, String kind, Step before) {
        Node n = step.node();
        if (step.kind() != Kind.OP || !n.is(kind) || n.type().version() != 1 || step.inputs().size() != 2
                || !sameType(step, before) || n.attributes().has("auto_broadcast")
                && !n.attributes().getString("auto_broadcast").equals("numpy")) {
            return -1;
        }
        int slot = before.outputSlots()[0];
        return step.inputs().get(0) instanceof SlotRef r && r.slot() == slot ? 0
                : step.inputs().get(1) instanceof SlotRef r && r.slot() == slot ? 1 : -1;
    }

    /**
     * How many trailing axes {@code s} normalizes when it is an MVN-6 that {@code Tensor.layerNorm} computes (variance
     * normalized, eps inside the root and at least 0, constant axes that are the last ones of a float32 or float64
     * output of static rank whose normalized axes are static), else 0.
     */
    private static int normalizedAxes(Step s) {
        if (s.kind() != Kind.OP || s.outputSlots().length != 1 || s.inputs().size() != 2) {
            return 0;
        }
        Node n = s.node();
        if (!n.is("MVN") || n.type().version() != 6 || !(s.inputs().get(1) instanceof Const axes)) {
            return 0;
        }
        ElementType t = n.outputs().get(0).type();
        PartialShape shape = n.outputs().get(0).shape();
        if (t != ElementType.F32 && t != ElementType.F64 || n.inputs().get(0).type() != t || !shape.isRankStatic()
                || shape.rank() == 0) {
            return 0;
        }
        int[] sorted = OpTable.axes(axes.value().toLongArray(), shape.rank());
        if (!Normalization.isLayerNorm(sorted, shape.rank(), n.attributes().getBool("normalize_variance"),
                n.attributes().getDouble("eps"), n.attributes().getString("eps_mode").equals("inside_sqrt"))) {
            return 0;
        }
        for (int d = shape.rank() - sorted.length; d < shape.rank(); d++) {
            if (!shape.dims().get(d).isStatic()) {
                return 0;
            }
        }
        return sorted.length;
    }

    /**
     * The constant {@code step} (a {@code kind} layer, Multiply or Add) applies to {@code before}'s output, reshaped
     * to the last {@code axes} axes of that output: it must have their dims there and 1 on any axis before them, and
     * no more axes than the output (so that the layer does not broadcast the output); null when it is not one.
     */
    private static Const affine(Step step, String kind, Step before, int axes) {
        int side = readingSide(step, kind, before);
        if (side < 0 || !(step.inputs().get(1 - side) instanceof Const c)
                || c.value().elementType() != before.node().outputs().get(0).type()) {
            return null;
        }
        PartialShape out = before.node().outputs().get(0).shape();
        int[] dims = c.value().dims();
        if (dims.length > out.rank()) {
            return null;
        }
        int leading = out.rank() - axes;
        for (int i = 0; i < dims.length; i++) {
            int axis = out.rank() - dims.length + i;
            if (axis < leading ? dims[i] != 1 : dims[i] != out.dims().get(axis).length()) {
                return null;
            }
        }
        int[] normalized = new int[axes];
        for (int i = 0; i < axes; i++) {
            normalized[i] = (int) out.dims().get(out.rank() - axes + i).length();
        }
        Tensor value = c.value().tensor();
        // Leading 1s dropped; an axis the constant lacks (it is shorter than the normalized axes) is broadcast.
        return new Const(OvTensor.of(dims.length >= axes ? value.reshape(normalized)
                : value.broadcastTo(normalized).copy()));
    }

    /** An MVN with the Multiply by its scale and the Add of its shift as one layerNorm step. */
    private static Step layerNorm(Step mvn, int axes, Const scale, Const shift, Step mul, Step add) {
        double eps = mvn.node().attributes().getDouble("eps");
        return step(List.of(mvn, mul, add), add, List.of(mvn.inputs().get(0), scale, shift), (l, in) -> List.of(
                in.get(0).tensor().layerNorm(axes, eps, in.get(1).tensor(), in.get(2).tensor())));
    }

    /** A MatMul with its bias Add and activation (where {@code last} is not the Add) as one matmulBias step. */
    private static Step fusedMatMul(Step matmul, Const bias, Step add, Step last, double low, double high) {
        boolean transposeA = matmul.layer().getBool("transpose_a"), transposeB = matmul.layer().getBool("transpose_b");
        List<Step> folded = last == add ? List.of(matmul, add) : List.of(matmul, add, last);
        return step(folded, last, List.of(matmul.inputs().get(0), matmul.inputs().get(1), bias), (l, in) -> {
            Tensor a = in.get(0).tensor(), b = in.get(1).tensor();
            // As the MatMul layer alone: a 1-d operand has no axes to swap.
            return List.of(Tensor.matmulBias(a, transposeA && a.rank() >= 2, b, transposeB, in.get(2).tensor(), low,
                    high));
        });
    }

    private static Step fused(Step conv, Const bias, Step add, Operand shortcut, Step shortcutAdd, Step last,
            double low, double high) {
        Layer convolution = conv.layer();
        List<Step> folded = new ArrayList<>(List.of(conv, add));
        if (shortcutAdd != null) {
            folded.add(shortcutAdd);
        }
        if (last != add && last != shortcutAdd) {
            folded.add(last);
        }
        List<Operand> inputs = shortcut == null ? List.of(conv.inputs().get(0), conv.inputs().get(1), bias)
                : List.of(conv.inputs().get(0), conv.inputs().get(1), bias, shortcut);
        OpTable.PreparedConvolution prepared = new OpTable.PreparedConvolution(convolution,
                conv.inputs().get(1) instanceof Const c ? c.value().tensor() : null);
        return step(folded, last, inputs, new FusedConvolution(prepared, bias.value().tensor(), low, high,
                shortcut != null));
    }

    /**
     * A fused convolution step's kernel (inputs: x, filters, bias, then the shortcut where there is one), which
     * {@link BlockFusion} reads to join the steps of a block.
     */
    record FusedConvolution(OpTable.PreparedConvolution prepared, Tensor bias, double low, double high,
            boolean shortcut) implements Kernel {
        @Override
        public List<Tensor> run(Layer layer, List<OvTensor> in) {
            return List.of(prepared.run(in.get(0).tensor(), in.get(1).tensor(), new Windows.Epilogue(
                    in.get(2).tensor(), in.size() > 3 ? in.get(3).tensor() : null, low, high)));
        }
    }

    /** A fused step's kernel, which names the folded layers in the errors it throws. */
    record Named(String names, Kernel kernel) implements Kernel {
        @Override
        public List<Tensor> run(Layer layer, List<OvTensor> in) {
            try {
                return kernel.run(layer, in);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("in the fused layers '" + names + "': " + e.getMessage(), e);
            }
        }
    }

    /**
     * The step that runs {@code kernel} for the {@code folded} layers, writing {@code last}'s output. It stays the
     * first folded layer's (the convolution's or MatMul's: same output shape and type as the last folded layer's), so
     * that Fusion never takes it for the element-wise layer whose output slot it writes; its exec type lists every
     * folded layer's, and an error inside names them.
     */
    static Step step(List<Step> folded, Step last, List<Operand> inputs, Kernel kernel) {
        Kernel named = new Named(String.join("', '", folded.stream().map(s -> s.node().name()).toList()), kernel);
        Step first = folded.getFirst();
        String execType = String.join("+", folded.stream().map(Step::execType).toList());
        return new Step(first.node(), Kind.OP, named, inputs, last.outputSlots(), null, first.layer(), execType);
    }
}
