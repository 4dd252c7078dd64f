package dev.adjoint.openvino.optimizer;

import dev.adjoint.openvino.ir.Attributes;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.openvino.ir.Node;
import dev.adjoint.openvino.ir.NodeOutput;
import dev.adjoint.openvino.ir.PartialShape;
import dev.adjoint.openvino.ir.RtAttribute;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bakes the legacy Model Optimizer's input preprocessing into the model, the way OpenVINO's
 * {@code PrePostProcessor} builds it: after each input, in this order (the order {@code mo} documents, whatever the
 * order of the options): {@code --reverse_input_channels} as a {@code Gather} of the channels in reverse order along
 * the channel axis, {@code --mean_values} as a {@code Subtract} of a per-channel constant, {@code --scale_values} as
 * a {@code Divide} by a per-channel constant (PrePostProcessor's {@code scale()} divides; it does not multiply by a
 * reciprocal, which would round differently). The channel axis comes from {@code --layout} (which is also stored as
 * the input's {@code layout} runtime info), else from the shape: axis 1 when its length matches (the IR's NCHW), else
 * the last axis. Without a layout, channel reversal applies to the inputs with 3 channels, as {@code mo} did.
 * Counts the nodes inserted.
 */
public final class Preprocessing implements Pass {

    /** What to do to one input. Arrays hold one value (for every channel) or one per channel; null: none. */
    public record Step(Layout layout, double[] mean, double[] scale) {
    }

    private final Map<String, Layout> layouts;
    private final Map<String, double[]> means;
    private final Map<String, double[]> scales;
    private final boolean reverseChannels;

    /**
     * @param layouts input name to layout ({@code ""}: the only input)
     * @param means input name to mean values
     * @param scales input name to scale values
     * @param reverseChannels reverse the channel order (RGB↔BGR) of every input with 3 channels, or, with a layout,
     *     of the inputs it names (whose channel dimension must then be 3)
     */
    public Preprocessing(Map<String, Layout> layouts, Map<String, double[]> means, Map<String, double[]> scales,
            boolean reverseChannels) {
        this.layouts = Map.copyOf(layouts);
        this.means = Map.copyOf(means);
        this.scales = Map.copyOf(scales);
        this.reverseChannels = reverseChannels;
    }

    @Override
    public String name() {
        return "preprocessing";
    }

    @Override
    public Result apply(IrModel model) {
        Map<Node, Layout> layoutOf = byNode(model, layouts);
        Map<Node, double[]> meanOf = byNode(model, means);
        Map<Node, double[]> scaleOf = byNode(model, scales);
        int[] inserted = {0};
        boolean anyReversed = false;
        Map<Node, Integer> reverseAxis = new IdentityHashMap<>();
        if (reverseChannels) {
            for (Node p : model.parameters()) {
                int axis = layoutOf.containsKey(p) ? channelAxis(p, layoutOf.get(p), 3, "--reverse_input_channels")
                        : threeChannelAxis(p.outputs().get(0).shape());
                if (axis >= 0) {
                    reverseAxis.put(p, axis);
                    anyReversed = true;
                }
            }
            if (!anyReversed) {
                throw new OptimizerException("--reverse_input_channels: no input has 3 channels on axis 1 or the last"
                        + " axis (inputs " + InputReshape.names(model) + "); give --layout to name the channel axis");
            }
        }
        Pass.Result r = GraphRewriter.rewrite(model, (n, inputs, rw) -> {
            if (!n.is("Parameter")) {
                return null;
            }
            Layout layout = layoutOf.get(n);
            double[] mean = meanOf.get(n);
            double[] scale = scaleOf.get(n);
            Integer reverse = reverseAxis.get(n);
            if (layout == null && mean == null && scale == null && reverse == null) {
                return null;
            }
            Node param = rw.copy(n, inputs);
            if (layout != null) {
                rw.builder().putRtInfo(param, "layout", new RtAttribute("0", Map.of("layout", layout.toString())));
            }
            if (mean == null && scale == null && reverse == null) {
                return null;
            }
            PartialShape shape = n.outputs().get(0).shape();
            if (n.outputs().get(0).type() != ElementType.F32) {
                throw new OptimizerException("input '" + n.name() + "' is " + n.outputs().get(0).type()
                        + ": mean, scale and channel reversal are supported on f32 inputs");
            }
            NodeOutput x = param.output(0);
            if (reverse != null) {
                long c = shape.get(reverse).length();
                long[] order = new long[(int) c];
                for (int i = 0; i < c; i++) {
                    order[i] = c - 1 - i;
                }
                Node idx = rw.builder().constantI64(n.name() + "/reverse_channels/indices", new long[] {c}, order);
                Node axis = rw.builder().constantI64(n.name() + "/reverse_channels/axis", new long[0], reverse);
                x = rw.builder().op("Gather", 8, n.name() + "/reverse_channels", Attributes.of("batch_dims", 0L), x,
                        idx.output(0), axis.output(0)).output(0);
                inserted[0]++;
            }
            if (mean != null) {
                x = channelOp(rw, n, layout, "Subtract", "mean", mean, "--mean_values", x);
                inserted[0]++;
            }
            if (scale != null) {
                x = channelOp(rw, n, layout, "Divide", "scale", scale, "--scale_values", x);
                inserted[0]++;
            }
            return new GraphRewriter.Replacement(List.of(x), false);
        });
        return new Result(r.model(), inserted[0]);
    }

    private static NodeOutput channelOp(GraphRewriter rw, Node p, Layout layout, String op, String what,
            double[] values, String option, NodeOutput x) {
        PartialShape shape = p.outputs().get(0).shape();
        int axis = channelAxis(p, layout, values.length, option);
        long[] constShape = new long[shape.rank()];
        Arrays.fill(constShape, 1);
        float[] v = new float[values.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) values[i];
        }
        if (values.length > 1) {
            constShape[axis] = values.length;
        }
        if (op.equals("Divide")) {
            for (double s : values) {
                if (s == 0) {
                    throw new OptimizerException(option + " for input '" + p.name() + "' contains 0");
                }
            }
        }
        Node c = rw.constantF32(p.name() + "/" + what + "/values", constShape, v);
        Attributes attrs = op.equals("Divide") ? Attributes.of("auto_broadcast", "numpy", "m_pythondiv", true)
                : Attributes.of("auto_broadcast", "numpy");
        return rw.builder().op(op, 1, p.name() + "/" + what, attrs, x, c.output(0)).output(0);
    }

    /**
     * The channel axis of input {@code p} for {@code count} values: from the layout, else axis 1 or the last axis
     * when its length is {@code count} (any static rank-2+ input for a single value: axis 1).
     */
    static int channelAxis(Node p, Layout layout, int count, String option) {
        PartialShape shape = p.outputs().get(0).shape();
        String name = "input '" + p.name() + "' " + shape;
        if (shape.isRankDynamic()) {
            throw new OptimizerException(option + ": " + name + " has a dynamic rank; give it a shape with --input");
        }
        int axis;
        if (layout != null) {
            if (layout.rank() != shape.rank()) {
                throw new OptimizerException("--layout " + layout + " has rank " + layout.rank() + ", but " + name
                        + " has rank " + shape.rank());
            }
            axis = layout.channelAxis();
            if (axis < 0) {
                throw new OptimizerException(option + ": the layout " + layout + " of " + name
                        + " has no channel dimension C");
            }
        } else if (count == 1) {
            return Math.min(1, shape.rank() - 1);
        } else if (shape.rank() >= 2 && shape.get(1).isStatic() && shape.get(1).length() == count) {
            axis = 1;
        } else if (shape.rank() >= 1 && shape.get(shape.rank() - 1).isStatic()
                && shape.get(shape.rank() - 1).length() == count) {
            axis = shape.rank() - 1;
        } else {
            throw new OptimizerException(option + " gives " + count + " values, but neither axis 1 nor the last axis"
                    + " of " + name + " has " + count + " channels; give --layout to name the channel axis");
        }
        var c = shape.get(axis);
        if (!c.isStatic()) {
            throw new OptimizerException(option + ": the channel dimension of " + name + " is dynamic; give it a"
                    + " static shape with --input");
        }
        if (count != 1 && c.length() != count) {
            throw new OptimizerException(option + " gives " + count + " values, but the channel dimension (axis "
                    + axis + ") of " + name + " has " + c.length());
        }
        return axis;
    }

    /** Axis 1, else the last axis, when it has length 3; -1 when neither. */
    private static int threeChannelAxis(PartialShape s) {
        if (s.isRankDynamic() || s.rank() < 2) {
            return -1;
        }
        if (s.get(1).isStatic() && s.get(1).length() == 3) {
            return 1;
        }
        int last = s.rank() - 1;
        return s.get(last).isStatic() && s.get(last).length() == 3 ? last : -1;
    }

    private static <T> Map<Node, T> byNode(IrModel model, Map<String, T> byName) {
        Map<Node, T> out = new IdentityHashMap<>();
        byName.forEach((k, v) -> {
            if (out.put(InputReshape.parameter(model, k), v) != null) {
                throw new OptimizerException("input '" + k + "' is named twice");
            }
        });
        return out;
    }
}
