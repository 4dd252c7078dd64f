package dev.adjoint.openvino.onnx;

import static dev.adjoint.openvino.onnx.OnnxGraph.FLOAT;
import static dev.adjoint.openvino.onnx.OnnxGraph.i;
import static dev.adjoint.openvino.onnx.OnnxGraph.ints;
import static dev.adjoint.openvino.onnx.OnnxGraph.s;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.openvino.engine.OvTensor;
import dev.adjoint.openvino.ir.Dimension;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.IrFormatException;
import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.openvino.ir.ModelFrontend;
import dev.adjoint.openvino.ir.PartialShape;
import dev.adjoint.openvino.onnx.proto.OnnxProto.ModelProto;
import dev.adjoint.openvino.onnx.proto.OnnxProto.OperatorSetIdProto;
import dev.adjoint.openvino.onnx.proto.OnnxProto.StringStringEntryProto;
import dev.adjoint.openvino.onnx.proto.OnnxProto.TensorProto;
import dev.adjoint.openvino.onnx.proto.OnnxProto.TypeProto;
import dev.adjoint.openvino.onnx.proto.OnnxProto.ValueInfoProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The frontend's model-level behaviour: refusals with one clear error, external data, names, dynamic batch. */
class OnnxFrontendTest {
    @TempDir
    Path tmp;

    private IrFormatException refused(OnnxGraph g) throws IOException {
        Path model = g.write(tmp);
        return assertThrows(IrFormatException.class, () -> new OnnxFrontend().read(model));
    }

    private IrFormatException refused(ModelProto m) throws IOException {
        Path model = tmp.resolve("model.onnx");
        Files.write(model, m.toByteArray());
        return assertThrows(IrFormatException.class, () -> new OnnxFrontend().read(model));
    }

    @Test
    void unsupportedOpNamesNodeOpDomainAndOpset() throws IOException {
        IrFormatException e = refused(new OnnxGraph(13).input("x", 2).node("Frobnicate", "x", "y").output("y"));
        assertEquals("model.onnx: node \"frobnicate_0\" (Frobnicate, domain ai.onnx, opset 13): op Frobnicate is not"
                + " supported", e.getMessage());
        assertEquals("model.onnx", e.source());
    }

    @Test
    void unsupportedDomain() throws IOException {
        ModelProto m = new OnnxGraph(13).input("x", 2).node("Relu", "x", "y").output("y").model();
        m = m.toBuilder().addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("com.microsoft").setVersion(1))
                .setGraph(m.getGraph().toBuilder().setNode(0, m.getGraph().getNode(0).toBuilder()
                        .setDomain("com.microsoft").setOpType("FusedGemm"))).build();
        assertEquals("model.onnx: node \"relu_0\" (FusedGemm, domain com.microsoft, opset 13): domain com.microsoft"
                + " is not supported (only the default ONNX domain is)", refused(m).getMessage());
    }

    @Test
    void unknownAttributeIsRefusedNotIgnored() throws IOException {
        IrFormatException e = refused(new OnnxGraph(13).input("x", 2).node("Relu", "x", "y", i("frob", 1))
                .output("y"));
        assertEquals("model.onnx: node \"relu_0\" (Relu, domain ai.onnx, opset 13): attribute frob is not supported",
                e.getMessage());
    }

    @Test
    void unsupportedAttributeValues() throws IOException {
        assertTrue(refused(new OnnxGraph(19).input("x", 2, 3).initI64("p", new long[] {4}, 1, 1, 1, 1)
                .node("Pad", "x p", "y", s("mode", "wrap")).output("y")).getMessage()
                .endsWith("(Pad, domain ai.onnx, opset 19): mode=wrap is not supported"));
        assertTrue(refused(new OnnxGraph(13).input("x", 1, 4, 3, 3).randomF32("w", 1, 4, 1, 2, 2)
                .node("ConvTranspose", "x w", "y", ints("output_shape", 6, 6)).output("y")).getMessage()
                .endsWith("(ConvTranspose, domain ai.onnx, opset 13): output_shape [6, 6] needs negative padding,"
                        + " which is not supported"));
        assertTrue(refused(new OnnxGraph(13).input("x", 1, 1, 3, 3).initF32("roi", new long[] {8}, 0, 0, 0, 0, 1, 1,
                1, 1).initF32("sc", new long[] {4}, 1, 1, 2, 2).node("Resize", "x roi sc", "y",
                s("coordinate_transformation_mode", "tf_crop_and_resize")).output("y")).getMessage()
                .endsWith("coordinate_transformation_mode=tf_crop_and_resize is not supported"));
        assertTrue(refused(new OnnxGraph(15).input("x", 1, 3, 2, 2).randomF32("g", 1, 3).randomF32("b", 2, 3)
                .randomF32("m", 3, 3).randomF32("v", 4, 3).node("BatchNormalization", "x g b m v", "y",
                        i("training_mode", 1)).output("y")).getMessage()
                .endsWith("attribute training_mode=1 is not supported (inference only)"));
    }

    @Test
    void trainingOutputsThatAreUsedAreRefused() throws IOException {
        IrFormatException e = refused(new OnnxGraph(13).input("x", 2, 3).node("Dropout", "x", "y mask")
                .output("y").output("mask", OnnxGraph.BOOL));
        assertEquals("model.onnx: node \"dropout_0\" (Dropout, domain ai.onnx, opset 13): output 1 ('mask') is not"
                + " supported, but it is used", e.getMessage());
    }

    @Test
    void opsetOutsideTheSupportedRange() throws IOException {
        assertEquals("model.onnx: default-domain opset 22 is not supported (supported: 1..21)",
                refused(new OnnxGraph(22).input("x", 2).node("Relu", "x", "y").output("y")).getMessage());
    }

    @Test
    void sequenceAndStringInputsHaveNoCounterpart() throws IOException {
        ModelProto m = new OnnxGraph(13).input("x", 2).node("Relu", "x", "y").output("y").model();
        ValueInfoProto seq = ValueInfoProto.newBuilder().setName("s").setType(TypeProto.newBuilder()
                .setSequenceType(TypeProto.Sequence.newBuilder().setElemType(m.getGraph().getInput(0).getType())))
                .build();
        assertEquals("model.onnx: graph input 's': is of ONNX type sequence, which IR has no counterpart for (only"
                + " tensors)", refused(m.toBuilder().setGraph(m.getGraph().toBuilder().addInput(seq)).build())
                .getMessage());
        ValueInfoProto str = OnnxGraph.valueInfo("t", 8, 2);
        assertEquals("model.onnx: graph input 't': ONNX element type STRING has no IR counterpart",
                refused(m.toBuilder().setGraph(m.getGraph().toBuilder().addInput(str)).build()).getMessage());
    }

    @Test
    void declaredOutputShapeMustAgree() throws IOException {
        ModelProto m = new OnnxGraph(13).input("x", 2, 3).node("Relu", "x", "y").output("y").model();
        ModelProto wrong = m.toBuilder().setGraph(m.getGraph().toBuilder().setOutput(0,
                OnnxGraph.valueInfo("y", FLOAT, 3, 2))).build();
        assertEquals("model.onnx: graph output 'y' is declared [3,2] but converts to [2,3]",
                refused(wrong).getMessage());
        ModelProto dynamic = m.toBuilder().setGraph(m.getGraph().toBuilder().setOutput(0,
                OnnxGraph.valueInfo("y", FLOAT, -1, 3))).build();
        Files.write(tmp.resolve("ok.onnx"), dynamic.toByteArray());
        assertEquals(PartialShape.of(2, 3), new OnnxFrontend().read(tmp.resolve("ok.onnx")).results().get(0).input(0)
                .shape());
    }

    @Test
    void undefinedValueAndGarbage() throws IOException {
        assertTrue(refused(new OnnxGraph(13).input("x", 2).node("Add", "x z", "y").output("y")).getMessage()
                .endsWith("value 'z' is not defined before it is used (ONNX nodes must be in topological order)"));
        Path bad = tmp.resolve("bad.onnx");
        Files.write(bad, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 0x02});
        IrFormatException e = assertThrows(IrFormatException.class, () -> new OnnxFrontend().read(bad));
        assertTrue(e.getMessage().startsWith("bad.onnx: not an ONNX model ("), e.getMessage());
    }

    @Test
    void foundThroughServiceLoader() {
        ModelFrontend f = ModelFrontend.forFile(Path.of("resnet.onnx")).orElseThrow();
        assertInstanceOf(OnnxFrontend.class, f);
        assertEquals("onnx", f.name());
        assertTrue(ModelFrontend.forFile(Path.of("model.xml")).filter(OnnxFrontend.class::isInstance).isEmpty());
    }

    @Test
    void namesAndDynamicBatch() throws IOException {
        IrModel ir = new OnnxFrontend().read(new OnnxGraph(13).input("images", -1, 3).randomF32("w", 1, 3, 2)
                .node("MatMul", "images w", "logits").node("Identity", "logits", "out").output("out").write(tmp));
        assertEquals("images", ir.parameters().get(0).name());
        assertEquals(PartialShape.of(Dimension.dynamic(), Dimension.of(3)), ir.parameters().get(0).outputs().get(0)
                .shape());
        assertEquals(List.of("logits", "out"), List.copyOf(ir.results().get(0).input(0).names()));
        assertEquals(PartialShape.of(Dimension.dynamic(), Dimension.of(2)), ir.results().get(0).input(0).shape());
        for (int batch : new int[] {1, 3}) {
            float[] x = new float[3 * batch];
            x[0] = 1;
            List<OvTensor> y = Conformance.runOnEngine(ir, false, List.of(OvTensor.of(x, batch, 3)), tmp);
            assertArrayEquals(new int[] {batch, 2}, y.get(0).dims());
        }
    }

    @Test
    void externalDataIsReadFromBesideTheModel() throws IOException {
        ByteBuffer w = ByteBuffer.allocate(4 * 6).order(ByteOrder.LITTLE_ENDIAN);
        for (int k = 0; k < 6; k++) {
            w.putFloat(k + 1);
        }
        byte[] file = new byte[8 + 24];
        w.flip().get(file, 8, 24);
        Files.write(tmp.resolve("weights.bin"), file);
        ModelProto m = withExternal("weights.bin", "8", "24");
        Path model = tmp.resolve("ext.onnx");
        Files.write(model, m.toByteArray());
        IrModel ir = new OnnxFrontend().read(model);
        List<OvTensor> y = Conformance.runOnEngine(ir, false, List.of(OvTensor.of(new float[] {1, 0, -1}, 1, 3)),
                tmp);
        // [1, 0, -1] x [[1, 2], [3, 4], [5, 6]] = [-4, -4]
        assertArrayEquals(new float[] {-4, -4}, y.get(0).toFloatArray());

        Files.write(model, withExternal("../weights.bin", "0", "24").toByteArray());
        assertTrue(assertThrows(IrFormatException.class, () -> new OnnxFrontend().read(model)).getMessage()
                .endsWith("initializer 'w': tensor 'w': external data location '../weights.bin' lies outside the"
                        + " model's folder"));
        Files.write(model, withExternal("missing.bin", "0", "24").toByteArray());
        assertTrue(assertThrows(IrFormatException.class, () -> new OnnxFrontend().read(model)).getMessage()
                .endsWith("external data file missing.bin does not exist (next to the model)"));
        Files.write(model, withExternal("weights.bin", "16", "24").toByteArray());
        assertTrue(assertThrows(IrFormatException.class, () -> new OnnxFrontend().read(model)).getMessage()
                .endsWith("external data weights.bin holds 32 bytes, need 24 at offset 16"));
    }

    private static ModelProto withExternal(String location, String offset, String length) {
        TensorProto w = TensorProto.newBuilder().setName("w").setDataType(FLOAT).addDims(3).addDims(2)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue(location))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("offset").setValue(offset))
                .addExternalData(StringStringEntryProto.newBuilder().setKey("length").setValue(length)).build();
        ModelProto m = new OnnxGraph(13).input("x", 1, 3).node("MatMul", "x w", "y").output("y").model();
        return m.toBuilder().setGraph(m.getGraph().toBuilder().addInitializer(w)).build();
    }

    @Test
    void typedTensorFields() throws IOException {
        TensorProto f = TensorProto.newBuilder().setName("f").setDataType(FLOAT).addDims(2).addFloatData(1.5f)
                .addFloatData(-2f).build();
        OnnxTensors.Value v = OnnxTensors.read(f, null);
        assertEquals(ElementType.F32, v.type());
        assertEquals(-2f, v.data().getFloat(4));
        TensorProto l = TensorProto.newBuilder().setName("l").setDataType(7).addDims(1).addInt64Data(-7).build();
        assertEquals(-7L, OnnxTensors.read(l, null).data().getLong(0));
        TensorProto b = TensorProto.newBuilder().setName("b").setDataType(9).addDims(2).addInt32Data(1)
                .addInt32Data(0).build();
        assertEquals(1, OnnxTensors.read(b, null).data().get(0));
        TensorProto shortRaw = TensorProto.newBuilder().setName("r").setDataType(FLOAT).addDims(2)
                .setRawData(com.google.protobuf.ByteString.copyFrom(new byte[4])).build();
        assertEquals("tensor 'r' f32[2] needs 8 bytes of raw_data, got 4",
                assertThrows(IllegalArgumentException.class, () -> OnnxTensors.read(shortRaw, null)).getMessage());
        TensorProto tooFew = TensorProto.newBuilder().setName("t").setDataType(FLOAT).addDims(3).addFloatData(1)
                .build();
        assertEquals("tensor 't' needs 3 values, got 1",
                assertThrows(IllegalArgumentException.class, () -> OnnxTensors.read(tooFew, null)).getMessage());
    }
}
