package dev.adjoint.openvino.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The serializer's conventions, checked on the written text. */
class WriterTest {

    @Test
    void denseReluIsWrittenAsOpenVinoWritesIt(@TempDir Path tmp) throws IOException {
        IrModel m = FixtureReadTest.readFixture("dense_relu/model.xml", tmp).model();
        IrWriter.Written w = IrWriter.toBytes(m, IrWriter.Options.defaults());
        String expected = """
                <?xml version="1.0"?>
                <net name="dense_relu" version="11">
                \t<layers>
                \t\t<layer id="0" name="x" type="Parameter" version="opset1">
                \t\t\t<data shape="?,4" element_type="f32" />
                \t\t\t<output>
                \t\t\t\t<port id="0" precision="FP32" names="x">
                \t\t\t\t\t<dim>-1</dim>
                \t\t\t\t\t<dim>4</dim>
                \t\t\t\t</port>
                \t\t\t</output>
                \t\t</layer>
                \t\t<layer id="1" name="W" type="Const" version="opset1">
                \t\t\t<data element_type="f32" shape="4, 3" offset="0" size="48" />
                """;
        assertTrue(w.xml().startsWith(expected), w.xml());
        assertTrue(w.xml().contains("""
                \t\t<layer id="5" name="relu" type="ReLU" version="opset1">
                \t\t\t<input>
                \t\t\t\t<port id="0" precision="FP32">
                \t\t\t\t\t<dim>-1</dim>
                \t\t\t\t\t<dim>3</dim>
                \t\t\t\t</port>
                \t\t\t</input>
                \t\t\t<output>
                \t\t\t\t<port id="1" precision="FP32" names="y">
                """), "ReLU spelling, no empty <data>, ports numbered inputs then outputs");
        assertTrue(w.xml().contains("""
                \t\t<layer id="6" name="y" type="Result" version="opset1">
                \t\t\t<input>
                \t\t\t\t<port id="0" precision="FP32">
                \t\t\t\t\t<dim>-1</dim>
                \t\t\t\t\t<dim>3</dim>
                \t\t\t\t</port>
                \t\t\t</input>
                \t\t</layer>
                """), "Result has no output");
        assertTrue(w.xml().endsWith("""
                \t<edges>
                \t\t<edge from-layer="0" from-port="0" to-layer="2" to-port="0" />
                \t\t<edge from-layer="1" from-port="0" to-layer="2" to-port="1" />
                \t\t<edge from-layer="2" from-port="2" to-layer="4" to-port="0" />
                \t\t<edge from-layer="3" from-port="0" to-layer="4" to-port="1" />
                \t\t<edge from-layer="4" from-port="2" to-layer="5" to-port="0" />
                \t\t<edge from-layer="5" from-port="1" to-layer="6" to-port="0" />
                \t</edges>
                \t<rt_info />
                </net>
                """), w.xml());
        byte[] original = java.nio.file.Files.readAllBytes(Fixtures.require("dense_relu/model.bin"));
        assertTrue(java.util.Arrays.equals(original, w.bin()));
    }

    @Test
    void layerOrderParametersOpsSinksResultsAndSortedEdges() {
        GraphBuilder g = new GraphBuilder("order");
        Node b = g.parameter("b", ElementType.F32, PartialShape.of(2));
        Node read = g.op("ReadValue", 6, "read", Attributes.of("variable_id", "v"), b.output(0));
        Node a = g.parameter("a", ElementType.F32, PartialShape.of(2));
        Node sum = g.op("Add", 1, "sum", Attributes.empty(), read.output(0), a.output(0));
        g.result("out", sum.output(0));
        g.op("Assign", 6, "save", Attributes.of("variable_id", "v"), sum.output(0));
        IrModel m = g.build();
        assertEquals(List.of("b", "a", "read", "sum", "save", "out"), m.nodes().stream().map(Node::name).toList());
        String xml = IrWriter.toBytes(m, IrWriter.Options.defaults()).xml();
        assertTrue(xml.contains("<layer id=\"4\" name=\"save\" type=\"Assign\" version=\"opset6\">"));
        assertTrue(xml.indexOf("<edge from-layer=\"0\"") < xml.indexOf("<edge from-layer=\"1\""));
        assertTrue(xml.indexOf("<edge from-layer=\"3\" from-port=\"2\" to-layer=\"4\"")
                < xml.indexOf("<edge from-layer=\"3\" from-port=\"2\" to-layer=\"5\""));
    }

    @Test
    void identicalBlobsAreStoredOnce() throws IrFormatException {
        GraphBuilder g = new GraphBuilder("dedup");
        Node x = g.parameter("x", ElementType.F32, PartialShape.of(3));
        Node c1 = g.constant("c1", new long[] {3}, 1f, 2f, 3f);
        Node c2 = g.constant("c2", new long[] {3}, 1f, 2f, 3f);
        Node c3 = g.constant("c3", new long[] {3}, 1f, 2f, 4f);
        Node s = g.op("Add", 1, "s1", Attributes.empty(), x.output(0), c1.output(0));
        s = g.op("Add", 1, "s2", Attributes.empty(), s.output(0), c2.output(0));
        s = g.op("Add", 1, "s3", Attributes.empty(), s.output(0), c3.output(0));
        g.result("y", s.output(0));
        IrModel m = g.build();
        IrWriter.Written w = IrWriter.toBytes(m, IrWriter.Options.defaults());
        assertEquals(24, w.bin().length);
        assertEquals(2, w.xml().split("offset=\"0\" size=\"12\"", -1).length - 1);
        assertTrue(w.xml().contains("offset=\"12\" size=\"12\""));
        assertTrue(ModelDiff.equal(m, new IrReader().read(w.xml().getBytes(StandardCharsets.UTF_8),
                ByteBuffer.wrap(w.bin()), "dedup.xml").model()));
    }

    @Test
    void namesAreEscapedAndPadsZeroedWithoutExplicitPadding() throws IrFormatException {
        GraphBuilder g = new GraphBuilder("esc");
        Node x = g.parameter("x", ElementType.F32, PartialShape.of(1, 1, 5, 5));
        g.setTensorNames(x.output(0), Set.of("in,put", "z"));
        Node pool = g.op("AvgPool", 1, "pool", Attributes.of("kernel", List.of(2L, 2L), "pads_begin", List.of(1L, 1L),
                "pads_end", List.of(1L, 1L), "auto_pad", "same_upper"), x.output(0));
        g.result("y", pool.output(0));
        IrModel m = g.build();
        assertEquals(List.of(0L, 0L), pool.attributes().getLongs("pads_begin"));
        String xml = IrWriter.toBytes(m, IrWriter.Options.defaults()).xml();
        assertTrue(xml.contains("names=\"in\\,put,z\""), xml);
        assertTrue(xml.contains("<data strides=\"\" pads_begin=\"0, 0\" pads_end=\"0, 0\" kernel=\"2, 2\""
                + " exclude-pad=\"false\" rounding_type=\"floor\" auto_pad=\"same_upper\" />"), xml);
        IrModel back = new IrReader().read(xml.getBytes(StandardCharsets.UTF_8), null, "esc.xml").model();
        assertEquals(Set.of("in,put", "z"), back.parameters().get(0).outputs().get(0).names());
    }
}
