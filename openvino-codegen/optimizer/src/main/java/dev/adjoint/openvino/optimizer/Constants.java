package dev.adjoint.openvino.optimizer;

import dev.adjoint.openvino.ir.ConstantValues;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.Node;
import dev.adjoint.openvino.ir.NodeOutput;
import java.nio.ByteBuffer;
import java.util.Optional;

/** Reading constant values in the new model, for the fusion passes. */
final class Constants {
    private Constants() {
    }

    /**
     * Whether {@code n} is the {@code Convert} of an f16-compressed weight ({@code Constant} f16 then
     * {@code Convert} marked {@code decompression}, as {@code ovc} writes it): kept as it is by constant folding, and
     * read through by the fusions.
     */
    static boolean isDecompression(Node n) {
        return n.is("Convert") && n.rtInfo().containsKey("decompression") && n.input(0).node().is("Constant");
    }

    /** The values of a real-valued Constant (or a decompressed weight) as doubles, with its shape. */
    static Optional<Values> reals(NodeOutput v) {
        Node n = v.node();
        if (isDecompression(n)) {
            n = n.input(0).node();
        }
        if (!n.is("Constant") || !n.outputs().get(0).type().isReal()) {
            return Optional.empty();
        }
        long[] shape = n.outputs().get(0).shape().lengths();
        long count = n.outputs().get(0).shape().elementCount().orElseThrow();
        if (count > Integer.MAX_VALUE) {
            return Optional.empty();
        }
        ByteBuffer data = n.data().orElseThrow();
        return Optional.of(new Values(shape, ConstantValues.toDoubles(n.outputs().get(0).type(), data, (int) count)));
    }

    /** The values of an integer Constant. */
    static Optional<long[]> integers(NodeOutput v) {
        Node n = v.node();
        ElementType t = n.outputs().get(0).type();
        if (!n.is("Constant") || !t.isInteger()) {
            return Optional.empty();
        }
        long count = n.outputs().get(0).shape().elementCount().orElseThrow();
        if (count > Integer.MAX_VALUE) {
            return Optional.empty();
        }
        return Optional.of(ConstantValues.toLongs(t, n.data().orElseThrow(), (int) count));
    }

    /** A constant's shape and values. */
    record Values(long[] shape, double[] values) {
    }

    /**
     * The per-channel values of {@code c} when it broadcasts against a value of {@code rank} along axis {@code axis}
     * only (a scalar, or shape [C] on the last axis, [1,C,1,1]...): {@code channels} values (a broadcast single value
     * repeated), else empty. Its rank must not exceed {@code rank}, so the output shape is the other operand's.
     */
    static Optional<double[]> perChannel(Values c, int rank, int axis, int channels) {
        int k = c.shape().length;
        if (k > rank) {
            return Optional.empty();
        }
        long along = 1;
        for (int i = 0; i < k; i++) {
            int axisInFull = rank - k + i;
            long d = c.shape()[i];
            if (axisInFull == axis) {
                along = d;
            } else if (d != 1) {
                return Optional.empty();
            }
        }
        if (along != 1 && along != channels) {
            return Optional.empty();
        }
        double[] out = new double[channels];
        for (int i = 0; i < channels; i++) {
            out[i] = c.values()[along == 1 ? 0 : i];
        }
        return Optional.of(out);
    }
}
