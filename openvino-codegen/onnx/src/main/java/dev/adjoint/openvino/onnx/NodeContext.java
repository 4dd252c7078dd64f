package dev.adjoint.openvino.onnx;

import dev.adjoint.openvino.ir.Attributes;
import dev.adjoint.openvino.ir.ConstantValues;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.GraphBuilder;
import dev.adjoint.openvino.ir.Node;
import dev.adjoint.openvino.ir.NodeOutput;
import dev.adjoint.openvino.ir.PartialShape;
import dev.adjoint.openvino.onnx.proto.OnnxProto.AttributeProto;
import dev.adjoint.openvino.onnx.proto.OnnxProto.NodeProto;
import dev.adjoint.openvino.onnx.proto.OnnxProto.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One ONNX node while it is converted: its attributes (every one must be read or explicitly ignored, so an
 * attribute no converter understands is refused), its inputs as IR values, and helpers that add IR nodes named
 * after it.
 */
final class NodeContext {
    private final OnnxConverter converter;
    private final NodeProto node;
    private final int opset;
    private final String baseName;
    private final Map<String, AttributeProto> attributes = new LinkedHashMap<>();
    private final Set<String> read = new HashSet<>();
    private final List<NodeOutput> inputs;
    private int created;

    NodeContext(OnnxConverter converter, NodeProto node, int opset, String baseName, List<NodeOutput> inputs) {
        this.converter = converter;
        this.node = node;
        this.opset = opset;
        this.baseName = baseName;
        this.inputs = inputs;
        for (AttributeProto a : node.getAttributeList()) {
            if (attributes.put(a.getName(), a) != null) {
                throw new IllegalArgumentException("attribute '" + a.getName() + "' is given twice");
            }
            if (!a.getRefAttrName().isEmpty()) {
                throw new IllegalArgumentException("attribute '" + a.getName() + "' refers to a function attribute,"
                        + " which only functions may do");
            }
        }
    }

    /** The version of the default domain the model imports. */
    int opset() {
        return opset;
    }

    NodeProto proto() {
        return node;
    }

    GraphBuilder graph() {
        return converter.graph();
    }

    /** Attribute names that are present but were neither read nor ignored. */
    List<String> unreadAttributes() {
        List<String> out = new ArrayList<>();
        for (String name : attributes.keySet()) {
            if (!read.contains(name)) {
                out.add(name);
            }
        }
        return out;
    }

    /** A refusal: the converter cannot express this node faithfully. */
    static UnsupportedOperationException unsupported(String why) {
        return new UnsupportedOperationException(why);
    }

    // ---- attributes ----

    boolean has(String name) {
        read.add(name);
        return attributes.containsKey(name);
    }

    /** Marks attributes that do not change inference results (momentum, Dropout's seed...). */
    void ignore(String... names) {
        read.addAll(List.of(names));
    }

    private AttributeProto attr(String name, AttributeProto.AttributeType type) {
        read.add(name);
        AttributeProto a = attributes.get(name);
        if (a == null) {
            return null;
        }
        if (a.getType() != type && a.getType() != AttributeProto.AttributeType.UNDEFINED) {
            throw new IllegalArgumentException("attribute '" + name + "' must be " + type + ", got " + a.getType());
        }
        return a;
    }

    long i(String name, long dflt) {
        AttributeProto a = attr(name, AttributeProto.AttributeType.INT);
        return a == null ? dflt : a.getI();
    }

    double f(String name, double dflt) {
        AttributeProto a = attr(name, AttributeProto.AttributeType.FLOAT);
        return a == null ? dflt : a.getF();
    }

    String s(String name, String dflt) {
        AttributeProto a = attr(name, AttributeProto.AttributeType.STRING);
        return a == null ? dflt : a.getS().toStringUtf8();
    }

    /** An INTS attribute, or {@code dflt} (may be null) when absent. */
    long[] ints(String name, long[] dflt) {
        AttributeProto a = attr(name, AttributeProto.AttributeType.INTS);
        return a == null ? dflt : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    float[] floats(String name, float[] dflt) {
        AttributeProto a = attr(name, AttributeProto.AttributeType.FLOATS);
        if (a == null) {
            return dflt;
        }
        float[] out = new float[a.getFloatsCount()];
        for (int k = 0; k < out.length; k++) {
            out[k] = a.getFloats(k);
        }
        return out;
    }

    TensorProto tensor(String name) {
        AttributeProto a = attr(name, AttributeProto.AttributeType.TENSOR);
        return a == null ? null : a.getT();
    }

    /** Requires an INT attribute to have one value (e.g. {@code training_mode=0}). */
    void require(String name, long dflt, long wanted, String why) {
        long v = i(name, dflt);
        if (v != wanted) {
            throw unsupported("attribute " + name + "=" + v + " is not supported (" + why + ")");
        }
    }

    // ---- inputs ----

    int inputCount() {
        return inputs.size();
    }

    /** Whether optional input {@code k} is given (present and not the empty name). */
    boolean hasInput(int k) {
        return k < inputs.size() && inputs.get(k) != null;
    }

    NodeOutput in(int k) {
        if (!hasInput(k)) {
            throw new IllegalArgumentException("input " + k + " is required");
        }
        return inputs.get(k);
    }

    int outputCount() {
        return node.getOutputCount();
    }

    /** Whether output {@code k} is named (so something may read it). */
    boolean outputUsed(int k) {
        return k < node.getOutputCount() && !node.getOutput(k).isEmpty();
    }

    /** The static rank of a value, or a refusal naming what needs it. */
    int rank(NodeOutput x, String what) {
        PartialShape s = x.shape();
        if (!s.isRankStatic()) {
            throw unsupported(what + " needs the static rank of its input, which is dynamic");
        }
        return s.rank();
    }

    /** Integer values known now: integer Constants, ShapeOf of a static shape, and Converts of those. */
    Optional<long[]> constInts(int k) {
        return hasInput(k) ? knownInts(in(k)) : Optional.empty();
    }

    static Optional<long[]> knownInts(NodeOutput x) {
        Node n = x.node();
        while (n.is("Convert") && n.outputs().get(0).type().isInteger()) {
            n = n.input(0).node();
        }
        if (n.is("ShapeOf")) {
            PartialShape s = n.input(0).shape();
            return s.isStatic() ? Optional.of(s.lengths()) : Optional.empty();
        }
        if (n.is("Constant") && n.outputs().get(0).type().isInteger()) {
            long count = n.outputs().get(0).shape().elementCount().orElse(Long.MAX_VALUE);
            if (count > 1 << 16) {
                return Optional.empty();
            }
            return Optional.of(ConstantValues.toLongs(n.outputs().get(0).type(), n.data().orElseThrow(), (int) count));
        }
        return Optional.empty();
    }

    /** Real or integer values of a Constant (through Converts), when small. */
    Optional<double[]> constReals(int k) {
        if (!hasInput(k)) {
            return Optional.empty();
        }
        Node n = in(k).node();
        while (n.is("Convert")) {
            n = n.input(0).node();
        }
        if (!n.is("Constant") || n.outputs().get(0).type() == ElementType.BOOLEAN) {
            return Optional.empty();
        }
        long count = n.outputs().get(0).shape().elementCount().orElse(Long.MAX_VALUE);
        if (count > 1 << 16) {
            return Optional.empty();
        }
        return Optional.of(ConstantValues.toDoubles(n.outputs().get(0).type(), n.data().orElseThrow(), (int) count));
    }

    // ---- building ----

    private String nextName(String type) {
        created++;
        return created == 1 ? baseName : baseName + "/" + type + "_" + created;
    }

    Node node(String type, int version, Attributes attrs, NodeOutput... ins) {
        return graph().op(type, version, nextName(type), attrs, ins);
    }

    NodeOutput op(String type, int version, Attributes attrs, NodeOutput... ins) {
        return node(type, version, attrs, ins).output(0);
    }

    NodeOutput op(String type, int version, NodeOutput... ins) {
        return op(type, version, Attributes.empty(), ins);
    }

    /** An i64 vector constant. */
    NodeOutput i64(long... values) {
        return graph().constantI64(nextName("Constant"), new long[] {values.length}, values).output(0);
    }

    NodeOutput i64Scalar(long value) {
        return graph().constantI64(nextName("Constant"), new long[0], value).output(0);
    }

    /** A scalar of {@code type} (a real or integer type) holding {@code value}. */
    NodeOutput scalar(ElementType type, double value) {
        return constant(type, new long[0], value);
    }

    /** A constant of {@code type} with the given shape and values (converted from double). */
    NodeOutput constant(ElementType type, long[] shape, double... values) {
        int width = Math.max(1, type.bitWidth() / 8);
        ByteBuffer b = ByteBuffer.allocate(width * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            switch (type) {
                case F32 -> b.putFloat((float) v);
                case F64 -> b.putDouble(v);
                case F16 -> b.putShort(dev.adjoint.openvino.ir.Fp16Compression.toF16((float) v));
                case BF16 -> b.putShort((short) (Float.floatToIntBits((float) v) >>> 16));
                case I64, U64, U32 -> {
                    if (type == ElementType.U32) {
                        b.putInt((int) (long) v);
                    } else {
                        b.putLong((long) v);
                    }
                }
                case I32 -> b.putInt((int) v);
                case I16, U16 -> b.putShort((short) v);
                case I8, U8 -> b.put((byte) v);
                case BOOLEAN -> b.put((byte) (v != 0 ? 1 : 0));
                default -> throw unsupported("constants of " + type + " are not supported");
            }
        }
        return graph().constant(nextName("Constant"), type, shape, b.flip()).output(0);
    }

    /** A scalar of the same element type as {@code like}. */
    NodeOutput scalarLike(NodeOutput like, double value) {
        return scalar(like.type(), value);
    }

    NodeOutput toI64(NodeOutput x) {
        return x.type() == ElementType.I64 ? x
                : op("Convert", 0, Attributes.of("destination_type", ElementType.I64), x);
    }

    /** {@code x} reshaped to {@code [1, C, 1, ...]} for a per-channel operand of a rank-{@code rank} tensor. */
    NodeOutput channelVector(NodeOutput x, int rank) {
        long[] shape = new long[rank];
        java.util.Arrays.fill(shape, 1);
        shape[1] = -1;
        return op("Reshape", 1, Attributes.of("special_zero", false), x, i64(shape));
    }
}
