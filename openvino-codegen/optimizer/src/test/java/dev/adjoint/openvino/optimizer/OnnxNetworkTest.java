package dev.adjoint.openvino.optimizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import dev.adjoint.openvino.engine.OvTensor;
import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.openvino.ir.IrReader;
import dev.adjoint.openvino.onnx.proto.OnnxProto.AttributeProto;
import dev.adjoint.openvino.onnx.proto.OnnxProto.GraphProto;
import dev.adjoint.openvino.onnx.proto.OnnxProto.ModelProto;
import dev.adjoint.openvino.onnx.proto.OnnxProto.NodeProto;
import dev.adjoint.openvino.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.adjoint.openvino.onnx.proto.OnnxProto.TensorProto;
import dev.adjoint.openvino.onnx.proto.OnnxProto.TensorShapeProto;
import dev.adjoint.openvino.onnx.proto.OnnxProto.TypeProto;
import dev.adjoint.openvino.onnx.proto.OnnxProto.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on a network in the form PyTorch exports a ResNet/MobileNet block (batch norm not folded): an ONNX file
 * with a dynamic batch → the ONNX frontend (found by ServiceLoader) → the whole pipeline with {@code --input} →
 * saved IR; compared with ONNX Runtime on the original file, and with the unoptimized IR on the engine. Checks that
 * the fusions fire on the frontend's output, not only on hand-built graphs.
 */
class OnnxNetworkTest {

    @Test
    void resnetStyleBlockThroughTheWholePipeline(@TempDir Path tmp) throws Exception {
        Path onnx = tmp.resolve("block.onnx");
        Files.write(onnx, block().toByteArray());
        IrModel original = ModelOptimizer.read(onnx);
        assertEquals(2, Support.count(original, "BatchNormInference"));
        ModelOptimizer.Conversion c = ModelOptimizer.convert(original,
                ConvertOptions.defaults().withInputs("input[2,3,16,16]").withCompressToFp16(false));
        IrModel optimized = c.model();
        Map<String, Integer> changes = new java.util.HashMap<>();
        c.summary().passes().forEach(s -> changes.put(s.name(), s.changes()));
        assertEquals(2, changes.get("batchnorm-fusion"), c.summary().toString());
        assertTrue(changes.get("scale-shift-fusion") >= 4, c.summary().toString());
        assertTrue(changes.get("constant-folding") > 0, c.summary().toString());
        assertEquals(0, Support.count(optimized, "BatchNormInference"));
        assertEquals(0, Support.count(optimized, "ShapeOf"));
        assertEquals(2, Support.count(optimized, "Convolution") + Support.count(optimized, "GroupConvolution"));
        assertTrue(ModelOptimizer.ops(optimized) < ModelOptimizer.ops(original), c.summary().toString());

        float[] x = new float[2 * 3 * 16 * 16];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble(-1, 1);
        }
        OvTensor in = OvTensor.of(x, 2, 3, 16, 16);
        float[] ort = onnxRuntime(onnx, x, new long[] {2, 3, 16, 16});
        List<OvTensor> unoptimized = Support.run(original, List.of(in));
        Path xml = tmp.resolve("out/block.xml");
        c.save(xml);
        List<OvTensor> saved = Support.run(IrReader.read(xml).model(), List.of(in));
        Support.assertClose(unoptimized, saved, 1e-5, 1e-6);
        Support.assertClose(List.of(OvTensor.of(ort, 2, 10)), saved, 1e-4, 1e-5);
    }

    private static float[] onnxRuntime(Path model, float[] x, long[] shape) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
                OrtSession s = env.createSession(model.toString(), o);
                OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), shape);
                OrtSession.Result result = s.run(Map.of("input", t))) {
            float[][] y = (float[][]) result.get(0).getValue();
            float[] flat = new float[y.length * y[0].length];
            for (int i = 0; i < y.length; i++) {
                System.arraycopy(y[i], 0, flat, i * y[0].length, y[0].length);
            }
            return flat;
        } catch (UnsatisfiedLinkError e) {
            assumeTrue(false, "ONNX Runtime's native library does not load here: " + e.getMessage());
            return null;
        }
    }

    // ---- building the ONNX model ----

    private static final SplittableRandom WEIGHTS = new SplittableRandom(2026);

    /**
     * input [N,3,16,16] → Conv 3→8 (bias) → BN → Relu → depthwise Conv (group 8, bias) → BN → Add (residual) →
     * Relu → GlobalAveragePool → Flatten → Gemm (transB) → logits [N,10].
     */
    static ModelProto block() {
        List<TensorProto> inits = new ArrayList<>();
        List<NodeProto> nodes = new ArrayList<>();
        inits.add(tensor("w1", new long[] {8, 3, 3, 3}, 0.3));
        inits.add(tensor("b1", new long[] {8}, 0.1));
        addBn(inits, "bn1");
        inits.add(tensor("w2", new long[] {8, 1, 3, 3}, 0.4));
        inits.add(tensor("b2", new long[] {8}, 0.1));
        addBn(inits, "bn2");
        inits.add(tensor("fc_w", new long[] {10, 8}, 0.3));
        inits.add(tensor("fc_b", new long[] {10}, 0.1));
        nodes.add(node("Conv", List.of("input", "w1", "b1"), "c1", ints("pads", 1, 1, 1, 1),
                ints("kernel_shape", 3, 3)));
        nodes.add(node("BatchNormalization", List.of("c1", "bn1_g", "bn1_b", "bn1_m", "bn1_v"), "n1",
                AttributeProto.newBuilder().setName("epsilon").setType(AttributeProto.AttributeType.FLOAT)
                        .setF(1e-5f).build()));
        nodes.add(node("Relu", List.of("n1"), "r1"));
        nodes.add(node("Conv", List.of("r1", "w2", "b2"), "c2", ints("pads", 1, 1, 1, 1), integer("group", 8)));
        nodes.add(node("BatchNormalization", List.of("c2", "bn2_g", "bn2_b", "bn2_m", "bn2_v"), "n2"));
        nodes.add(node("Add", List.of("n2", "r1"), "sum"));
        nodes.add(node("Relu", List.of("sum"), "r2"));
        nodes.add(node("GlobalAveragePool", List.of("r2"), "pool"));
        nodes.add(node("Flatten", List.of("pool"), "flat"));
        nodes.add(node("Gemm", List.of("flat", "fc_w", "fc_b"), "logits", integer("transB", 1)));
        GraphProto g = GraphProto.newBuilder().setName("block").addAllNode(nodes).addAllInitializer(inits)
                .addInput(value("input", "N", 3, 16, 16)).addOutput(value("logits", "N", 10)).build();
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("adjoint-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).setGraph(g).build();
    }

    private static void addBn(List<TensorProto> inits, String p) {
        inits.add(tensor(p + "_g", new long[] {8}, 1.0));
        inits.add(tensor(p + "_b", new long[] {8}, 0.5));
        inits.add(tensor(p + "_m", new long[] {8}, 0.5));
        float[] var = new float[8];
        for (int i = 0; i < 8; i++) {
            var[i] = (float) (0.2 + WEIGHTS.nextDouble());
        }
        inits.add(tensor(p + "_v", new long[] {8}, var));
    }

    private static TensorProto tensor(String name, long[] dims, double scale) {
        int n = 1;
        for (long d : dims) {
            n *= (int) d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (scale * WEIGHTS.nextDouble(-1, 1));
        }
        return tensor(name, dims, v);
    }

    private static TensorProto tensor(String name, long[] dims, float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(1)
                .setRawData(ByteString.copyFrom(b.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    private static NodeProto node(String op, List<String> inputs, String output, AttributeProto... attrs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(output).addAllInput(inputs)
                .addOutput(output);
        for (AttributeProto a : attrs) {
            n.addAttribute(a);
        }
        return n.build();
    }

    private static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    private static AttributeProto integer(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    private static ValueInfoProto value(String name, String batch, long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(batch));
        for (long d : dims) {
            s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))).build();
    }

}
