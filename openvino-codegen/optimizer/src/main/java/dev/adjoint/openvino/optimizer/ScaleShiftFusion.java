package dev.adjoint.openvino.optimizer;

import dev.adjoint.openvino.ir.Attributes;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.openvino.ir.Node;
import dev.adjoint.openvino.ir.NodeOutput;
import dev.adjoint.openvino.ir.PartialShape;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Folds a per-output-channel {@code Multiply}, {@code Add} or {@code Subtract} by a constant that follows a
 * {@code Convolution}, {@code GroupConvolution} or {@code MatMul} with constant weights into those weights and one
 * bias {@code Add}: {@code (x*W + b) * s + t = x*(W*s) + (b*s + t)}. Chains fold step by step, so the
 * {@code Multiply}/{@code Add} pairs of {@link BatchNormFusion} and of Open Model Zoo IRs ("Fused_Mul_",
 * "Fused_Add_") leave one convolution and one bias. A link is folded only when the value it reads has no other
 * reader (else both would have to be computed). The per-channel constant must broadcast along the output channels
 * only (axis 1 of a convolution, the last axis of a matmul) and not raise the rank. New weights are computed in
 * double and rounded once to f32: outputs differ from the unfused model by float32 rounding (about 1e-6 relative;
 * for finite inputs — an infinite activation times a zero factor is NaN unfused, 0 fused). Constants that are not
 * finite are not folded.
 * Counts the {@code Multiply}/{@code Add}/{@code Subtract} nodes folded.
 */
public final class ScaleShiftFusion implements Pass {
    @Override
    public String name() {
        return "scale-shift-fusion";
    }

    /**
     * A value of the new model that is {@code op(data, weights) [+ bias]}.
     *
     * @param op the convolution or matmul node (new model)
     * @param weightsName the friendly name of the weights constant
     * @param bias per-channel bias, or null when there is none yet
     */
    private record Linear(Node op, NodeOutput data, String weightsName, long[] weightsShape, double[] weights,
            int channels, int rank, int axis, double[] bias) {
    }

    @Override
    public Result apply(IrModel model) {
        Map<NodeOutput, Linear> linear = new java.util.HashMap<>();
        return GraphRewriter.rewrite(model, (n, inputs, r) -> {
            if (n.is("Convolution") || n.is("GroupConvolution") || n.is("MatMul")) {
                Optional<Linear> l = describe(n, inputs);
                if (l.isPresent()) {
                    Node copy = r.copy(n, inputs);
                    Linear found = l.get();
                    linear.put(copy.output(0), new Linear(copy, found.data(), found.weightsName(),
                            found.weightsShape(), found.weights(), found.channels(), found.rank(), found.axis(), null));
                }
                return null;
            }
            boolean add = n.is("Add");
            boolean sub = n.is("Subtract");
            if (!(add || sub || n.is("Multiply")) || n.type().version() != 1
                    || !"numpy".equals(n.attributes().get("auto_broadcast"))
                    || n.outputs().get(0).type() != ElementType.F32) {
                return null;
            }
            for (int side : sub ? new int[] {0} : new int[] {0, 1}) {
                Linear l = linear.get(inputs.get(side));
                if (l == null || r.readers(n.input(side).node(), n.input(side).index()) != 1) {
                    continue;
                }
                Optional<double[]> c = Constants.reals(inputs.get(1 - side))
                        .filter(v -> inputs.get(1 - side).type() == ElementType.F32)
                        .flatMap(v -> Constants.perChannel(v, l.rank(), l.axis(), l.channels()));
                if (c.isEmpty() || !java.util.Arrays.stream(c.get()).allMatch(Double::isFinite)) {
                    // An infinite or NaN factor does not distribute over the weights' sum.
                    continue;
                }
                double[] v = c.get();
                if (add && l.bias() == null) {
                    // The first bias: keep the Add as it is, and remember it for the links that follow.
                    Node copy = r.copy(n, inputs);
                    linear.put(copy.output(0), new Linear(l.op(), l.data(), l.weightsName(), l.weightsShape(),
                            l.weights(), l.channels(), l.rank(), l.axis(), v));
                    return null;
                }
                Linear folded = add || sub ? shifted(l, v, sub ? -1 : 1) : scaled(l, v);
                Emitted e = emit(r, n, folded, !(add || sub));
                linear.put(e.out(), e.linear());
                return GraphRewriter.Replacement.of(e.out());
            }
            return null;
        });
    }

    /** The operation's weights and output layout, when its weights are a constant it can fold into. */
    private static Optional<Linear> describe(Node n, List<NodeOutput> inputs) {
        if (n.outputs().get(0).type() != ElementType.F32 || inputs.get(1).type() != ElementType.F32) {
            return Optional.empty();
        }
        Optional<Constants.Values> w = Constants.reals(inputs.get(1));
        PartialShape out = n.outputs().get(0).shape();
        if (w.isEmpty() || out.isRankDynamic()) {
            return Optional.empty();
        }
        long[] ws = w.get().shape();
        String wName = inputs.get(1).node().name();
        if (n.is("MatMul")) {
            if (ws.length != 2) {
                return Optional.empty();
            }
            boolean tb = n.attributes().getBool("transpose_b");
            int channels = (int) (tb ? ws[0] : ws[1]);
            return Optional.of(new Linear(n, inputs.get(0), wName, ws, w.get().values(), channels, out.rank(),
                    out.rank() - 1, null));
        }
        int channels = (int) (n.is("GroupConvolution") ? ws[0] * ws[1] : ws[0]);
        return Optional.of(new Linear(n, inputs.get(0), wName, ws, w.get().values(), channels, out.rank(), 1, null));
    }

    /** The output channel of weight element {@code i}. */
    private static int channelOf(Linear l, int i) {
        if (l.op().is("MatMul")) {
            boolean tb = l.op().attributes().getBool("transpose_b");
            return tb ? (int) (i / l.weightsShape()[1]) : (int) (i % l.weightsShape()[1]);
        }
        return i / (l.weights().length / l.channels());
    }

    private static Linear scaled(Linear l, double[] s) {
        double[] w = l.weights().clone();
        for (int i = 0; i < w.length; i++) {
            w[i] *= s[channelOf(l, i)];
        }
        double[] bias = null;
        if (l.bias() != null) {
            bias = new double[l.channels()];
            for (int c = 0; c < bias.length; c++) {
                bias[c] = l.bias()[c] * s[c];
            }
        }
        return new Linear(l.op(), l.data(), l.weightsName(), l.weightsShape(), w, l.channels(), l.rank(), l.axis(),
                bias);
    }

    private static Linear shifted(Linear l, double[] t, int sign) {
        double[] bias = new double[l.channels()];
        for (int c = 0; c < bias.length; c++) {
            bias[c] = (l.bias() == null ? 0 : l.bias()[c]) + sign * t[c];
        }
        return new Linear(l.op(), l.data(), l.weightsName(), l.weightsShape(), l.weights(), l.channels(), l.rank(),
                l.axis(), bias);
    }

    /** A value built by {@link #emit}, and what it is. */
    private record Emitted(NodeOutput out, Linear linear) {
    }

    /**
     * Builds {@code op(data, weights) + bias} in the new model; the operation is rebuilt only when its weights
     * changed. The result takes the folded node's name; the new operation the old one's.
     */
    private static Emitted emit(GraphRewriter r, Node folded, Linear l, boolean newWeights) {
        Node op = l.op();
        if (newWeights) {
            float[] w = new float[l.weights().length];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) l.weights()[i];
            }
            // A new name: the old weights may still be read by another operation.
            Node wc = r.constantF32(l.weightsName() + "/fused", l.weightsShape(), w);
            op = r.builder().op(op.type().name(), op.type().version(), op.name(), op.attributes(), l.data(),
                    wc.output(0));
        }
        Linear now = new Linear(op, l.data(), l.weightsName(), l.weightsShape(), l.weights(), l.channels(), l.rank(),
                l.axis(), l.bias());
        if (l.bias() == null) {
            return new Emitted(op.output(0), now);
        }
        long[] shape = new long[l.rank()];
        Arrays.fill(shape, 1);
        shape[l.axis()] = l.channels();
        float[] b = new float[l.channels()];
        for (int c = 0; c < b.length; c++) {
            b[c] = (float) l.bias()[c];
        }
        Node bc = r.constantF32(folded.name() + "/bias", shape, b);
        NodeOutput out = r.builder().op("Add", 1, folded.name(), Attributes.of("auto_broadcast", "numpy"),
                op.output(0), bc.output(0)).output(0);
        return new Emitted(out, now);
    }
}
