package dev.adjoint.openvino.optimizer;

import dev.adjoint.openvino.ir.Attributes;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.openvino.ir.Node;
import dev.adjoint.openvino.ir.NodeOutput;
import dev.adjoint.openvino.ir.PartialShape;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Rewrites a {@code BatchNormInference} with constant statistics that follows a convolution or matmul (directly, or
 * through the bias {@code Add} ONNX exporters put after a convolution) as the per-channel {@code Multiply} by
 * {@code gamma / sqrt(variance + epsilon)} and {@code Add} of {@code beta - mean * scale} it is; the
 * {@link ScaleShiftFusion} that runs next folds both into the convolution's weights and bias. The two constants are
 * computed in double precision and rounded once to f32, so outputs differ from the unfused batch norm only by
 * float32 rounding (about 1e-6 relative). Counts the batch norms rewritten.
 */
public final class BatchNormFusion implements Pass {
    @Override
    public String name() {
        return "batchnorm-fusion";
    }

    @Override
    public Result apply(IrModel model) {
        return GraphRewriter.rewrite(model, (n, inputs, r) -> {
            if (!n.is("BatchNormInference")) {
                return null;
            }
            boolean v5 = n.type().version() >= 5;
            NodeOutput data = inputs.get(v5 ? 0 : 2);
            int gamma = v5 ? 1 : 0;
            int beta = v5 ? 2 : 1;
            PartialShape shape = data.shape();
            if (data.type() != ElementType.F32 || shape.isRankDynamic() || shape.rank() < 2
                    || !shape.get(1).isStatic() || !followsLinear(n.input(v5 ? 0 : 2).node(), shape.rank())) {
                return null;
            }
            int channels = (int) shape.get(1).length();
            Optional<double[]> g = channelValues(inputs.get(gamma), channels);
            Optional<double[]> b = channelValues(inputs.get(beta), channels);
            Optional<double[]> mean = channelValues(inputs.get(3), channels);
            Optional<double[]> var = channelValues(inputs.get(4), channels);
            if (g.isEmpty() || b.isEmpty() || mean.isEmpty() || var.isEmpty()) {
                return null;
            }
            double eps = n.attributes().getDouble("epsilon");
            float[] scale = new float[channels];
            float[] shift = new float[channels];
            for (int c = 0; c < channels; c++) {
                double s = g.get()[c] / Math.sqrt(var.get()[c] + eps);
                scale[c] = (float) s;
                shift[c] = (float) (b.get()[c] - mean.get()[c] * s);
            }
            long[] constShape = new long[shape.rank()];
            Arrays.fill(constShape, 1);
            constShape[1] = channels;
            Attributes numpy = Attributes.of("auto_broadcast", "numpy");
            Node sc = r.constantF32(n.name() + "/scale/values", constShape, scale);
            Node mul = r.builder().op("Multiply", 1, n.name() + "/scale", numpy, data, sc.output(0));
            Node sh = r.constantF32(n.name() + "/shift/values", constShape, shift);
            Node add = r.builder().op("Add", 1, n.name(), numpy, mul.output(0), sh.output(0));
            return GraphRewriter.Replacement.of(add.output(0));
        });
    }

    /** A Convolution, GroupConvolution or (rank 2) MatMul, or a bias Add after one. */
    private static boolean followsLinear(Node producer, int rank) {
        if (producer.is("Add")) {
            return List.of(0, 1).stream().anyMatch(i -> linear(producer.input(i).node(), rank));
        }
        return linear(producer, rank);
    }

    private static boolean linear(Node n, int rank) {
        return n.is("Convolution") || n.is("GroupConvolution") || n.is("MatMul") && rank == 2;
    }

    /** A constant of C values, or of one value, in any shape holding that many. */
    private static Optional<double[]> channelValues(NodeOutput v, int channels) {
        return Constants.reals(v).flatMap(c -> {
            if (c.values().length == channels) {
                return Optional.of(c.values());
            }
            if (c.values().length == 1) {
                double[] out = new double[channels];
                Arrays.fill(out, c.values()[0]);
                return Optional.of(out);
            }
            return Optional.empty();
        });
    }
}
