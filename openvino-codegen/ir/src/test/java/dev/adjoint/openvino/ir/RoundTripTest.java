package dev.adjoint.openvino.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code read(write(g))} equals {@code g}, for the real fixtures and for a graph of every supported op. */
class RoundTripTest {
    private static final IrReader READER = new IrReader(IrReader.Options.defaults().withLogWarnings(false));

    static IrModel roundTrip(IrModel m) throws IrFormatException {
        IrWriter.Written w = IrWriter.toBytes(m, IrWriter.Options.defaults());
        ReadResult r = READER.read(w.xml().getBytes(java.nio.charset.StandardCharsets.UTF_8), ByteBuffer.wrap(w.bin()),
                "written.xml");
        assertEquals(List.of(), r.warnings(), "our own IR must read without warnings");
        return r.model();
    }

    static List<String> fixtures() {
        return Fixtures.allXml();
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void fixturesWriteAndReadBackEqual(String relative, @TempDir Path tmp) throws IOException {
        IrModel m = FixtureReadTest.readFixture(relative, tmp).model();
        IrModel back = roundTrip(m);
        assertEquals(java.util.Optional.empty(), ModelDiff.firstDifference(m, back));
        // Writing what we read back gives the same bytes again.
        IrWriter.Written first = IrWriter.toBytes(m, IrWriter.Options.defaults());
        IrWriter.Written second = IrWriter.toBytes(back, IrWriter.Options.defaults());
        assertEquals(first.xml(), second.xml());
        assertTrue(java.util.Arrays.equals(first.bin(), second.bin()));
    }

    @Test
    void filesOnDisk(@TempDir Path tmp) throws IOException {
        IrModel m = FixtureReadTest.readFixture("dense_relu/model.xml", tmp).model();
        Path xml = tmp.resolve("out.xml");
        IrWriter.write(m, xml, IrWriter.Options.defaults());
        assertTrue(ModelDiff.equal(m, IrReader.read(xml).model()));
    }

    // ---- one small graph per supported op ----

    record OpCase(String name, Consumer<GraphBuilder> build) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Node p(GraphBuilder g, String name, String shape) {
        return g.parameter(name, ElementType.F32, PartialShape.parse(shape));
    }

    private static Node pb(GraphBuilder g, String name, String shape) {
        return g.parameter(name, ElementType.BOOLEAN, PartialShape.parse(shape));
    }

    private static Node i64(GraphBuilder g, String name, long... values) {
        return g.constantI64(name, new long[] {values.length}, values);
    }

    private static Node scalar(GraphBuilder g, String name, long value) {
        return g.constantI64(name, new long[] {}, value);
    }

    private static Node op(GraphBuilder g, String type, int version, Attributes a, Node... inputs) {
        NodeOutput[] outs = new NodeOutput[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            outs[i] = inputs[i].output(0);
        }
        Node n = g.op(type, version, type.toLowerCase() + version, a, outs);
        for (int i = 0; i < n.outputs().size(); i++) {
            g.result("r" + i, n.output(i));
        }
        return n;
    }

    static List<OpCase> opCases() {
        List<OpCase> cases = new ArrayList<>();
        for (String name : new String[] {"Add", "Subtract", "Multiply", "Maximum", "Minimum", "Power", "FloorMod",
            "Mod"}) {
            cases.add(new OpCase(name + "-1", g -> op(g, name, 1, Attributes.of("auto_broadcast", "numpy"),
                    p(g, "a", "?,1,3"), p(g, "b", "4,1"))));
        }
        cases.add(new OpCase("SquaredDifference-0", g -> op(g, "SquaredDifference", 0, Attributes.empty(),
                p(g, "a", "2,3"), p(g, "b", "3"))));
        cases.add(new OpCase("Divide-1", g -> op(g, "Divide", 1,
                Attributes.of("auto_broadcast", "pdpd", "m_pythondiv", false), p(g, "a", "2,3"), p(g, "b", "3"))));
        for (String name : new String[] {"Equal", "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual"}) {
            cases.add(new OpCase(name + "-1", g -> op(g, name, 1, Attributes.empty(), p(g, "a", "2,3"),
                    p(g, "b", "1..5,3"))));
        }
        for (String name : new String[] {"LogicalAnd", "LogicalOr", "LogicalXor"}) {
            cases.add(new OpCase(name + "-1", g -> op(g, name, 1, Attributes.of("auto_broadcast", "none"),
                    pb(g, "a", "2,3"), pb(g, "b", "2,3"))));
        }
        cases.add(new OpCase("LogicalNot-1", g -> op(g, "LogicalNot", 1, Attributes.empty(), pb(g, "a", "..."))));
        for (String name : new String[] {"Abs", "Exp", "Log", "Sigmoid", "Tanh", "Sqrt", "Relu", "Negative", "Floor",
            "Ceiling", "Sin", "Cos", "Erf", "Sign"}) {
            cases.add(new OpCase(name + "-0", g -> op(g, name, 0, Attributes.empty(), p(g, "a", "2..8,?,3"))));
        }
        cases.add(new OpCase("PRelu-0", g -> op(g, "PRelu", 0, Attributes.empty(), p(g, "a", "2,3"), p(g, "s", "3"))));
        cases.add(new OpCase("Clamp-0", g -> op(g, "Clamp", 0, Attributes.of("min", -0.5, "max", 6.25),
                p(g, "a", "2,3"))));
        cases.add(new OpCase("Convert-0", g -> op(g, "Convert", 0, Attributes.of("destination_type", ElementType.F16),
                p(g, "a", "2,3"))));
        cases.add(new OpCase("MatMul-0", g -> op(g, "MatMul", 0, Attributes.of("transpose_b", true),
                p(g, "a", "5,?,2,3"), p(g, "b", "4,3"))));
        cases.add(new OpCase("Softmax-1", g -> op(g, "Softmax", 1, Attributes.of("axis", 1L), p(g, "a", "2,3"))));
        cases.add(new OpCase("Softmax-8", g -> op(g, "Softmax", 8, Attributes.of("axis", -1L), p(g, "a", "2,3"))));
        cases.add(new OpCase("Convolution-1", g -> op(g, "Convolution", 1, Attributes.of("strides", List.of(2L, 1L),
                "dilations", List.of(1L, 2L), "pads_begin", List.of(1L, 0L), "pads_end", List.of(0L, 1L),
                "auto_pad", "explicit"), p(g, "x", "?,3,9,9"), p(g, "w", "8,3,3,3"))));
        cases.add(new OpCase("GroupConvolution-1", g -> op(g, "GroupConvolution", 1, Attributes.of(
                "strides", List.of(1L, 1L), "dilations", List.of(1L, 1L), "pads_begin", List.of(0L, 0L),
                "pads_end", List.of(0L, 0L), "auto_pad", "same_upper"), p(g, "x", "1,4,7,7"), p(g, "w", "2,3,2,3,3"))));
        for (int v : new int[] {1, 8, 14}) {
            cases.add(new OpCase("MaxPool-" + v, g -> op(g, "MaxPool", v, Attributes.of("kernel", List.of(3L, 3L),
                    "strides", List.of(2L, 2L), "pads_begin", List.of(1L, 1L), "pads_end", List.of(1L, 1L),
                    "rounding_type", "ceil"), p(g, "x", "1,3,?,10"))));
        }
        for (int v : new int[] {1, 14}) {
            cases.add(new OpCase("AvgPool-" + v, g -> op(g, "AvgPool", v, Attributes.of("kernel", List.of(2L),
                    "strides", List.of(2L), "exclude-pad", true, "auto_pad", "valid"), p(g, "x", "1,3,11"))));
        }
        cases.add(new OpCase("Reshape-1", g -> op(g, "Reshape", 1, Attributes.of("special_zero", true),
                p(g, "x", "2,3,4"), i64(g, "s", 0, -1))));
        cases.add(new OpCase("Transpose-1", g -> op(g, "Transpose", 1, Attributes.empty(), p(g, "x", "2,3,4"),
                i64(g, "o", 2, 0, 1))));
        cases.add(new OpCase("Squeeze-0", g -> op(g, "Squeeze", 0, Attributes.empty(), p(g, "x", "1,3,1"),
                i64(g, "a", -1))));
        cases.add(new OpCase("Squeeze-15", g -> op(g, "Squeeze", 15, Attributes.of("allow_axis_skip", true),
                p(g, "x", "1,3,1"), i64(g, "a", 0, 1))));
        cases.add(new OpCase("Unsqueeze-0", g -> op(g, "Unsqueeze", 0, Attributes.empty(), p(g, "x", "3,4"),
                i64(g, "a", 0, -1))));
        cases.add(new OpCase("ShapeOf-0", g -> op(g, "ShapeOf", 0, Attributes.empty(), p(g, "x", "3,?"))));
        cases.add(new OpCase("ShapeOf-3", g -> op(g, "ShapeOf", 3, Attributes.of("output_type", ElementType.I32),
                p(g, "x", "..."))));
        cases.add(new OpCase("Tile-0", g -> op(g, "Tile", 0, Attributes.empty(), p(g, "x", "2,3"), i64(g, "r", 2, 1, 2))));
        cases.add(new OpCase("Broadcast-1", g -> op(g, "Broadcast", 1, Attributes.of("mode", "explicit"),
                p(g, "x", "3"), i64(g, "t", 2, 3), i64(g, "m", 1))));
        cases.add(new OpCase("Broadcast-3", g -> op(g, "Broadcast", 3, Attributes.of("mode", "bidirectional"),
                p(g, "x", "3,1"), i64(g, "t", 2, 1, 4))));
        cases.add(new OpCase("Pad-1", g -> op(g, "Pad", 1, Attributes.of("pad_mode", "reflect"), p(g, "x", "2,?"),
                i64(g, "b", 1, 2), i64(g, "e", 0, 3))));
        cases.add(new OpCase("Pad-12", g -> op(g, "Pad", 12, Attributes.empty(), p(g, "x", "4,5"),
                i64(g, "b", -1, 2), i64(g, "e", 0, -3), g.constant("v", new long[] {}, 0.5f))));
        cases.add(new OpCase("Slice-8", g -> op(g, "Slice", 8, Attributes.empty(), p(g, "x", "10,?"),
                i64(g, "start", -1), i64(g, "stop", -11), i64(g, "step", -3), i64(g, "axes", 0))));
        for (String name : new String[] {"ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd"}) {
            cases.add(new OpCase(name + "-1", g -> op(g, name, 1, Attributes.of("keep_dims", true),
                    p(g, "x", "2,3,4"), i64(g, "a", 0, -1))));
        }
        cases.add(new OpCase("Concat-0", g -> op(g, "Concat", 0, Attributes.of("axis", -1L), p(g, "a", "2,3"),
                p(g, "b", "2,?"), p(g, "c", "?,1"))));
        cases.add(new OpCase("Gather-1", g -> op(g, "Gather", 1, Attributes.empty(), p(g, "x", "5,6"),
                g.constantI64("i", new long[] {2, 2}, 0, 1, 2, 3), scalar(g, "axis", 1))));
        for (int v : new int[] {7, 8}) {
            cases.add(new OpCase("Gather-" + v, g -> op(g, "Gather", v, Attributes.of("batch_dims", 1L),
                    p(g, "x", "2,5,6"), g.constantI64("i", new long[] {2, 3}, 0, 1, 2, 3, 4, 0), scalar(g, "axis", 2))));
        }
        cases.add(new OpCase("BatchNormInference-0", g -> op(g, "BatchNormInference", 0, Attributes.of("epsilon", 1e-5),
                p(g, "gamma", "3"), p(g, "beta", "3"), p(g, "x", "2,3,4"), p(g, "mean", "3"), p(g, "var", "3"))));
        cases.add(new OpCase("BatchNormInference-5", g -> op(g, "BatchNormInference", 5, Attributes.of("epsilon", 0.001),
                p(g, "x", "2,3,4"), p(g, "gamma", "3"), p(g, "beta", "3"), p(g, "mean", "3"), p(g, "var", "?"))));
        cases.add(new OpCase("Select-1", g -> op(g, "Select", 1, Attributes.empty(), pb(g, "c", "2,1"),
                p(g, "a", "3"), p(g, "b", "2,3"))));
        cases.add(new OpCase("Split-1", g -> op(g, "Split", 1, Attributes.of("num_splits", 3L), p(g, "x", "2,9"),
                scalar(g, "axis", -1))));
        cases.add(new OpCase("VariadicSplit-1", g -> op(g, "VariadicSplit", 1, Attributes.empty(), p(g, "x", "2,9"),
                scalar(g, "axis", 1), i64(g, "l", 2, -1, 3))));
        cases.add(new OpCase("ReadValue-3/Assign-3", g -> {
            Node init = p(g, "init", "1,4");
            Node read = g.op("ReadValue", 3, "read", Attributes.of("variable_id", "v"), init.output(0));
            g.op("Assign", 3, "save", Attributes.of("variable_id", "v"), read.output(0));
            g.result("r", read.output(0));
        }));
        cases.add(new OpCase("ReadValue-6/Assign-6", g -> {
            Node read = g.op("ReadValue", 6, "read", Attributes.of("variable_id", "v", "variable_type", ElementType.F32,
                    "variable_shape", PartialShape.parse("?,4")));
            Node x = p(g, "x", "2,4");
            Node sum = g.op("Add", 1, "sum", Attributes.empty(), read.output(0), x.output(0));
            g.op("Assign", 6, "save", Attributes.of("variable_id", "v"), sum.output(0));
            g.result("r", sum.output(0));
        }));
        cases.add(new OpCase("Parameter/Constant/Result with names and rt_info", g -> {
            Node x = g.parameter("x", ElementType.I32, PartialShape.parse("1..10,?,3.."));
            g.setTensorNames(x.output(0), List.of("x", "a,b", "x:0"));
            g.putRtInfo(x, "fused_names", RtAttribute.of("0", "x"));
            g.putRtInfo(x, "custom", new RtAttribute("1", java.util.Map.of("xml:lang", "en", "\u00e9t\u00e9", "x")));
            g.putOutputRtInfo(x.output(0), "layout", new RtAttribute("0", java.util.Map.of("layout", "[N,C,?]")));
            Node c = g.constant("c", ElementType.I32, new long[] {1, 1, 1}, ByteBuffer.wrap(new byte[] {7, 0, 0, 0}));
            Node add = g.op("Add", 1, "add & <more>", Attributes.empty(), x.output(0), c.output(0));
            g.putInputRtInfo(add, 1, "precise", RtAttribute.of("0"));
            g.result("y", add.output(0));
            g.putModelRtInfo("framework", new MetaValue.Section(java.util.Map.of("name", new MetaValue.Leaf("adjoint"),
                    "not an xml name", new MetaValue.Leaf("v\"1\""))));
        }));
        return cases;
    }

    static Stream<Arguments> opCaseArgs() {
        return opCases().stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("opCaseArgs")
    void everyOpRoundTrips(OpCase c) throws IrFormatException {
        GraphBuilder g = new GraphBuilder("ops");
        c.build().accept(g);
        IrModel m = g.build();
        IrModel back = roundTrip(m);
        assertEquals(java.util.Optional.empty(), ModelDiff.firstDifference(m, back));
    }

    @Test
    void everyRegisteredOpHasARoundTripCase() {
        Set<String> covered = new TreeSet<>();
        for (OpCase c : opCases()) {
            GraphBuilder g = new GraphBuilder("ops");
            c.build().accept(g);
            g.build().nodes().forEach(n -> covered.add(n.type().toString()));
        }
        Set<String> registered = new TreeSet<>();
        OpRegistry.standard().definitions().forEach(d -> registered.add(d.type().toString()));
        registered.removeAll(covered);
        assertEquals(Set.of(), registered);
    }

    @Test
    void modelDiffSeesDifferences() {
        GraphBuilder g1 = new GraphBuilder("m");
        g1.result("y", g1.op("Relu", 0, "r", Attributes.empty(), p(g1, "x", "2").output(0)).output(0));
        GraphBuilder g2 = new GraphBuilder("m");
        g2.result("y", g2.op("Relu", 0, "r", Attributes.empty(), p(g2, "x", "3").output(0)).output(0));
        String d = ModelDiff.firstDifference(g1.build(), g2.build()).orElseThrow();
        assertEquals("Parameter-0 \"x\" attributes differ: {shape=[2], element_type=f32} vs {shape=[3], element_type=f32}",
                d);
    }
}
