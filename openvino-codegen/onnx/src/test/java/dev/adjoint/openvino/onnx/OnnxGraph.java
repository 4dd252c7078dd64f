package dev.adjoint.openvino.onnx;

import com.google.protobuf.ByteString;
import dev.adjoint.openvino.onnx.proto.OnnxProto.AttributeProto;
import dev.adjoint.openvino.onnx.proto.OnnxProto.GraphProto;
import dev.adjoint.openvino.onnx.proto.OnnxProto.ModelProto;
import dev.adjoint.openvino.onnx.proto.OnnxProto.NodeProto;
import dev.adjoint.openvino.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.adjoint.openvino.onnx.proto.OnnxProto.TensorProto;
import dev.adjoint.openvino.onnx.proto.OnnxProto.TensorShapeProto;
import dev.adjoint.openvino.onnx.proto.OnnxProto.TypeProto;
import dev.adjoint.openvino.onnx.proto.OnnxProto.ValueInfoProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Builds small ONNX models in tests (through the generated protobuf builders). */
final class OnnxGraph {
    static final int FLOAT = 1;
    static final int INT64 = 7;
    static final int BOOL = 9;

    /** A graph input: its shape ({@code -1} = the symbolic batch {@code N}) and whether values must be positive. */
    record Input(String name, long[] dims, boolean positive) {
    }

    private final int opset;
    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("test");
    private final List<Input> inputs = new ArrayList<>();
    private int nodes;

    OnnxGraph(int opset) {
        this.opset = opset;
    }

    List<Input> inputs() {
        return inputs;
    }

    OnnxGraph input(String name, long... dims) {
        return input(name, false, dims);
    }

    OnnxGraph positiveInput(String name, long... dims) {
        return input(name, true, dims);
    }

    private OnnxGraph input(String name, boolean positive, long... dims) {
        graph.addInput(valueInfo(name, FLOAT, dims));
        inputs.add(new Input(name, dims, positive));
        return this;
    }

    OnnxGraph output(String name, int type) {
        graph.addOutput(ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(type))));
        return this;
    }

    OnnxGraph output(String name) {
        return output(name, FLOAT);
    }

    static ValueInfoProto valueInfo(String name, int type, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type).setShape(shape))).build();
    }

    /** A node {@code op(inputs) -> outputs}; names separated by spaces ({@code "x w b"}), "" for an absent input. */
    OnnxGraph node(String op, String inputs, String outputs, AttributeProto... attrs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(op.toLowerCase() + "_" + nodes++);
        for (String i : inputs.isEmpty() ? new String[0] : inputs.split(" ", -1)) {
            n.addInput(i.equals("-") ? "" : i);
        }
        for (String o : outputs.split(" ")) {
            n.addOutput(o);
        }
        for (AttributeProto a : attrs) {
            n.addAttribute(a);
        }
        graph.addNode(n);
        return this;
    }

    OnnxGraph initF32(String name, long[] dims, float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        graph.addInitializer(tensor(name, FLOAT, dims, b.flip()));
        return this;
    }

    /** An f32 initializer of seeded standard-normal values. */
    OnnxGraph randomF32(String name, long seed, long... dims) {
        int n = 1;
        for (long d : dims) {
            n *= (int) d;
        }
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return initF32(name, dims, v);
    }

    OnnxGraph initI64(String name, long[] dims, long... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        graph.addInitializer(tensor(name, INT64, dims, b.flip()));
        return this;
    }

    static TensorProto tensor(String name, int type, long[] dims, ByteBuffer data) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type)
                .setRawData(ByteString.copyFrom(data));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    ModelProto model() {
        return ModelProto.newBuilder().setIrVersion(opset >= 21 ? 10 : 8).setProducerName("adjoint-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph).build();
    }

    Path write(Path dir) throws IOException {
        Path p = dir.resolve("model.onnx");
        Files.write(p, model().toByteArray());
        return p;
    }

    static AttributeProto i(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    static AttributeProto f(String name, double v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF((float) v)
                .build();
    }

    static AttributeProto s(String name, String v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFromUtf8(v)).build();
    }

    static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    static AttributeProto floats(String name, float... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name)
                .setType(AttributeProto.AttributeType.FLOATS);
        for (float x : v) {
            a.addFloats(x);
        }
        return a.build();
    }

    static AttributeProto tensorAttr(String name, TensorProto t) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.TENSOR).setT(t).build();
    }
}
