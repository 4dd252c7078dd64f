package dev.adjoint.openvino.ir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class FixtureReadTest {
    private static final IrReader READER = new IrReader(IrReader.Options.defaults().withLogWarnings(false));

    static List<String> fixtures() {
        return Fixtures.parameters();
    }

    @Test
    void fixturesArePresentOrTheTestsSkip() {
        assumeFalse(Fixtures.allXml().isEmpty(), "shared fixtures are not available");
        assertTrue(Fixtures.allXml().size() >= 10, "expected the 10 fixture models, found " + Fixtures.allXml());
    }

    /** The testdata model ships without its .bin: give it one of the size its constants declare. */
    static ReadResult readFixture(String relative, Path tmp) throws IOException {
        Path xml = Fixtures.require(relative);
        if (relative.startsWith("testdata/")) {
            Path bin = tmp.resolve("generated.bin");
            byte[] weights = generatedWeights(337592);
            // The Reshape's i64 target shape lives at offset 130176: make it [1, -1].
            ByteBuffer.wrap(weights).order(ByteOrder.LITTLE_ENDIAN).putLong(130176, 1).putLong(130184, -1);
            Files.write(bin, weights);
            return READER.readFile(xml, bin);
        }
        return READER.readFile(xml, null);
    }

    /** Deterministic weights: float32 values in [-0.5, 0.5). */
    static byte[] generatedWeights(int bytes) {
        ByteBuffer b = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        while (b.remaining() >= 4) {
            b.putFloat((float) (r.nextDouble() - 0.5));
        }
        return b.array();
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void everyFixtureReads(String relative, @TempDir Path tmp) throws IOException {
        ReadResult r = readFixture(relative, tmp);
        IrModel m = r.model();
        assertFalse(m.parameters().isEmpty());
        assertFalse(m.results().isEmpty());
        // The declared <dim>s of every real fixture agree with our inference.
        assertTrue(r.warnings().stream().noneMatch(w -> w.contains("declares dims")), r.warnings().toString());
        assertTrue(r.warnings().stream().noneMatch(w -> w.contains("declares precision")), r.warnings().toString());
    }

    @Test
    void denseRelu(@TempDir Path tmp) throws IOException {
        ReadResult r = readFixture("dense_relu/model.xml", tmp);
        assertEquals(List.of(), r.warnings());
        IrModel m = r.model();
        assertEquals("dense_relu", m.name());
        Node x = m.parameters().get(0);
        assertEquals("x", x.name());
        assertEquals(ElementType.F32, x.outputs().get(0).type());
        assertEquals(PartialShape.parse("?,4"), x.outputs().get(0).shape());
        assertEquals(Set.of("x"), x.outputs().get(0).names());
        Node y = m.results().get(0);
        assertEquals(PartialShape.of(Dimension.dynamic(), Dimension.of(3)), y.outputs().get(0).shape());
        assertEquals(new OpType("Relu", 0), y.input(0).node().type());
        assertEquals(Set.of("y"), y.input(0).names());
        assertEquals(7, m.nodes().size());
        assertEquals(List.of("Parameter", "Constant", "MatMul", "Constant", "Add", "Relu", "Result"),
                m.nodes().stream().map(n -> n.type().name()).toList());
    }

    /** A float64 reference evaluator over the weights we read: x=[1,-2,3,0.5] gives y=[3.75,5.375,7.0]. */
    @Test
    void denseReluTestVector(@TempDir Path tmp) throws IOException {
        IrModel m = readFixture("dense_relu/model.xml", tmp).model();
        Node matmul = m.node("matmul").orElseThrow();
        Node add = m.node("add").orElseThrow();
        Node wNode = matmul.input(1).node();
        Node bNode = add.input(1).node();
        assertEquals(List.of(4L, 3L), wNode.attributes().getLongs("shape"));
        double[] w = ConstantValues.toDoubles(ElementType.F32, wNode.data().orElseThrow(), 12);
        double[] b = ConstantValues.toDoubles(ElementType.F32, bNode.data().orElseThrow(), 3);
        assertEquals(0.25, w[0]);
        assertArrayEquals(new double[] {-1, 0, 1}, b);
        double[] x = {1, -2, 3, 0.5};
        double[] y = new double[3];
        for (int j = 0; j < 3; j++) {
            double s = b[j];
            for (int i = 0; i < 4; i++) {
                s += x[i] * w[3 * i + j];
            }
            y[j] = Math.max(0, s);
        }
        assertArrayEquals(new double[] {3.75, 5.375, 7.0}, y, 1e-12);
    }

    @Test
    void v10DummyHasRtInfoOverMetaData(@TempDir Path tmp) throws IOException {
        IrModel m = readFixture("model_server/dummy/model.xml", tmp).model();
        // With both present, <rt_info> wins over the legacy <meta_data>.
        assertEquals(new MetaValue.Leaf("2020.1.0-61-gd349c3ba4a"), m.rtInfo().get("MO_version"));
        MetaValue.Section info = assertInstanceOf(MetaValue.Section.class, m.rtInfo().get("model_info"));
        MetaValue.Section resolution = assertInstanceOf(MetaValue.Section.class, info.children().get("resolution"));
        assertEquals(new MetaValue.Leaf("200"), resolution.children().get("height"));
        assertEquals(new MetaValue.Section(java.util.Map.of()), m.rtInfo().get("optimization"));
        // v10 Add without <data> keeps Add-1's default numpy broadcast.
        assertEquals("numpy", m.node("a").orElseThrow().attributes().getString("auto_broadcast"));
    }

    @Test
    void legacyMetaDataBecomesConversionParameters(@TempDir Path tmp) throws IOException {
        IrModel m = readFixture("model_server/add_two_inputs_model/model.xml", tmp).model();
        MetaValue.Section conv = assertInstanceOf(MetaValue.Section.class, m.rtInfo().get("conversion_parameters"));
        assertEquals(new MetaValue.Leaf("tf"), conv.children().get("framework"));
        assertTrue(((MetaValue.Leaf) conv.children().get("unset")).value().startsWith("batch, disable_fusing"));
        assertEquals(new MetaValue.Leaf(""), m.rtInfo().get("MO_version"));
        assertEquals(2, m.parameters().size());
    }

    @Test
    void dynamicScalarAndUnsignedFixtures(@TempDir Path tmp) throws IOException {
        IrModel fp64 = readFixture("model_server/dummy_fp64/model.xml", tmp).model();
        assertEquals(ElementType.F64, fp64.results().get(0).outputs().get(0).type());
        assertEquals(PartialShape.parse("?,10"), fp64.results().get(0).outputs().get(0).shape());
        assertEquals(RtAttribute.of("0", "input"), fp64.parameters().get(0).rtInfo().get("fused_names"));
        assertEquals(1.0, ConstantValues.getDouble(ElementType.F64, fp64.node("const").orElseThrow().data().orElseThrow(), 0));

        IrModel scalar = readFixture("model_server/scalar/model.xml", tmp).model();
        assertEquals(PartialShape.scalar(), scalar.results().get(0).outputs().get(0).shape());
        assertEquals(Set.of("const", "const:0"), scalar.node("const").orElseThrow().outputs().get(0).names());

        IrModel u8 = readFixture("model_server/passthrough/model.xml", tmp).model();
        assertEquals(ElementType.U8, u8.parameters().get(0).outputs().get(0).type());
        assertEquals(PartialShape.dynamic(2), u8.results().get(0).outputs().get(0).shape());
        assertEquals(Set.of("input", "input:0"), u8.parameters().get(0).outputs().get(0).names());
    }

    @Test
    void parametersKeepXmlOrderAndResultsTooWhenIdsAreShuffled(@TempDir Path tmp) throws IOException {
        IrModel m = readFixture("model_server/no_name_output/model.xml", tmp).model();
        assertEquals(List.of("input_1", "input_2"), m.parameters().stream().map(Node::name).toList());
        assertEquals(List.of("Result_5", "Result_6"), m.results().stream().map(Node::name).toList());
        Node add = m.node("ADD").orElseThrow();
        // Edge 0 -> ADD port 0 comes from layer id 0, which is "input_2".
        assertEquals("input_2", add.input(0).node().name());
        assertEquals("input_1", add.input(1).node().name());
        assertEquals(ElementType.I8, add.outputs().get(0).type());
    }

    @Test
    void readValueAssignState(@TempDir Path tmp) throws IOException {
        IrModel m = readFixture("model_server/summator/model.xml", tmp).model();
        assertEquals(1, m.sinks().size());
        Node assign = m.sinks().get(0);
        assertEquals(new OpType("Assign", 6), assign.type());
        assertEquals("state", assign.attributes().getString("variable_id"));
        Node read = m.node("read").orElseThrow();
        assertEquals(new OpType("ReadValue", 6), read.type());
        // "Const" in opset6 resolves to Constant-0.
        assertEquals(new OpType("Constant", 0), read.input(0).node().type());
        assertEquals(PartialShape.of(1, 1), assign.outputs().get(0).shape());
    }

    @Test
    void lenetLikeV10Model(@TempDir Path tmp) throws IOException {
        ReadResult r = readFixture("testdata/test_model_fp32.xml", tmp);
        IrModel m = r.model();
        assertEquals(PartialShape.of(1, 10), m.results().get(0).outputs().get(0).shape());
        assertEquals(PartialShape.of(1, 64, 9, 9), m.node("27").orElseThrow().outputs().get(0).shape());
        assertEquals(PartialShape.of(1, 5184), m.node("28/Reshape").orElseThrow().outputs().get(0).shape());
        assertEquals(new OpType("MaxPool", 1), m.node("22").orElseThrow().type());
        assertEquals(new OpType("Softmax", 1), m.node("fc_out").orElseThrow().type());
        assertTrue(m.node("28/Reshape").orElseThrow().attributes().getBool("special_zero"));
        // Convolution-1 has no output_padding: OpenVINO ignores it, we warn once per layer.
        assertEquals(3, r.warnings().stream().filter(w -> w.contains("output_padding")).count(), r.warnings().toString());
    }

    @Test
    void explicitBinPathAndMissingBin(@TempDir Path tmp) throws IOException {
        Path xml = Fixtures.require("dense_relu/model.xml");
        Path copy = tmp.resolve("copy.xml");
        Files.copy(xml, copy);
        IrFormatException e = org.junit.jupiter.api.Assertions.assertThrows(IrFormatException.class,
                () -> READER.readFile(copy, null));
        assertEquals(copy + ": layer 1 (name=\"W\", type=Const, version=opset1): Const needs weights but no .bin file"
                + " was found (copy.bin)", e.getMessage());
        IrModel m = READER.readFile(copy, xml.resolveSibling("model.bin")).model();
        assertEquals(7, m.nodes().size());
    }
}
