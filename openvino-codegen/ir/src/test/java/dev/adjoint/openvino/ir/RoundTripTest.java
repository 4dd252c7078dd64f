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
        return Fixtures.parameters();
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
        modelZooCases(cases);
        return cases;
    }

    /** The ops of {@link ModelZooOps}, each with non-default attributes where it has any. */
    private static void modelZooCases(List<OpCase> cases) {
        cases.add(new OpCase("Elu-0", g -> op(g, "Elu", 0, Attributes.of("alpha", 0.5), p(g, "a", "2,3"))));
        for (String name : new String[] {"HSigmoid", "HSwish", "Mish"}) {
            int v = name.equals("HSigmoid") ? 5 : 4;
            cases.add(new OpCase(name + "-" + v, g -> op(g, name, v, Attributes.empty(), p(g, "a", "?,3"))));
        }
        cases.add(new OpCase("Swish-4", g -> op(g, "Swish", 4, Attributes.empty(), p(g, "a", "2,3"),
                g.constant("beta", new long[] {}, 1.5f))));
        cases.add(new OpCase("Gelu-2", g -> op(g, "Gelu", 2, Attributes.empty(), p(g, "a", "2"))));
        cases.add(new OpCase("Gelu-7", g -> op(g, "Gelu", 7, Attributes.of("approximation_mode", "TANH"),
                p(g, "a", "2"))));
        cases.add(new OpCase("LogSoftmax-5", g -> op(g, "LogSoftmax", 5, Attributes.of("axis", -1L),
                p(g, "a", "2,5"))));
        for (String name : new String[] {"ReduceL1", "ReduceL2"}) {
            cases.add(new OpCase(name + "-4", g -> op(g, name, 4, Attributes.of("keep_dims", true), p(g, "a", "2,5,3"),
                    i64(g, "axes", 1, -1))));
        }
        cases.add(new OpCase("StridedSlice-1", g -> op(g, "StridedSlice", 1,
                Attributes.of("begin_mask", List.of(0L, 1L, 0L), "end_mask", List.of(0L, 0L, 0L),
                        "new_axis_mask", List.of(0L, 0L, 1L), "shrink_axis_mask", List.of(1L, 0L, 0L)),
                p(g, "a", "4,6,5"), i64(g, "b", 1, 0, 0), i64(g, "e", 2, 5, 0), i64(g, "s", 1, 2, 1))));
        cases.add(new OpCase("Interpolate-0", g -> op(g, "Interpolate", 0,
                Attributes.of("axes", List.of(2L, 3L), "mode", "linear", "align_corners", true),
                p(g, "a", "1,3,4,4"), i64(g, "size", 8, 6))));
        cases.add(new OpCase("Interpolate-4", g -> op(g, "Interpolate", 4,
                Attributes.of("mode", "nearest", "shape_calculation_mode", "sizes", "nearest_mode", "floor",
                        "coordinate_transformation_mode", "asymmetric"),
                p(g, "a", "1,3,4,4"), i64(g, "size", 8, 8), g.constant("scales", new long[] {2}, 2f, 2f),
                i64(g, "axes", 2, 3))));
        cases.add(new OpCase("Interpolate-11", g -> op(g, "Interpolate", 11,
                Attributes.of("mode", "cubic", "shape_calculation_mode", "scales", "cube_coeff", -0.5),
                p(g, "a", "1,3,4,4"), g.constant("scales", new long[] {2}, 2f, 0.5f), i64(g, "axes", 2, 3))));
        cases.add(new OpCase("MVN-0", g -> op(g, "MVN", 0, Attributes.of("across_channels", true, "eps", 1e-9),
                p(g, "a", "2,3,4"))));
        cases.add(new OpCase("MVN-6", g -> op(g, "MVN", 6, Attributes.of("normalize_variance", true, "eps", 1e-6,
                "eps_mode", "outside_sqrt"), p(g, "a", "2,3,4"), i64(g, "axes", 2))));
        cases.add(new OpCase("NormalizeL2-0", g -> op(g, "NormalizeL2", 0, Attributes.of("eps", 1e-6, "eps_mode",
                "max"), p(g, "a", "2,3,4"), i64(g, "axes", 1))));
        cases.add(new OpCase("LRN-0", g -> op(g, "LRN", 0, Attributes.of("alpha", 1e-4, "beta", 0.75, "bias", 1.0,
                "size", 5L), p(g, "a", "1,8,4,4"), i64(g, "axes", 1))));
        cases.add(new OpCase("ConvolutionBackpropData-1", g -> op(g, "ConvolutionBackpropData", 1,
                Attributes.of("strides", List.of(2L, 2L), "pads_begin", List.of(1L, 1L), "pads_end", List.of(1L, 1L),
                        "output_padding", List.of(1L, 1L)),
                p(g, "a", "1,4,5,5"), p(g, "w", "4,2,3,3"))));
        cases.add(new OpCase("FakeQuantize-0", g -> op(g, "FakeQuantize", 0, Attributes.of("levels", 256L),
                p(g, "a", "1,3,2,2"), p(g, "il", "1,3,1,1"), p(g, "ih", "1,3,1,1"), p(g, "ol", ""), p(g, "oh", ""))));
        for (int v : new int[] {0, 8}) {
            cases.add(new OpCase("PriorBox-" + v, g -> op(g, "PriorBox", v,
                    Attributes.of("min_size", List.of(16.0), "max_size", List.of(38.46), "aspect_ratio", List.of(2.0),
                            "flip", true, "offset", 0.5, "step", 16.0, "variance", List.of(0.1, 0.1, 0.2, 0.2)),
                    i64(g, "layer", 24, 42), i64(g, "image", 384, 672))));
        }
        cases.add(new OpCase("PriorBoxClustered-0", g -> op(g, "PriorBoxClustered", 0,
                Attributes.of("width", List.of(10.0, 20.0), "height", List.of(12.0, 24.0), "offset", 0.5,
                        "variance", List.of(0.1)),
                i64(g, "layer", 3, 4), i64(g, "image", 30, 40))));
        cases.add(new OpCase("DetectionOutput-0", g -> op(g, "DetectionOutput", 0,
                Attributes.of("num_classes", 3L, "keep_top_k", List.of(10L), "nms_threshold", 0.45, "normalized", true,
                        "code_type", "caffe.PriorBoxParameter.CENTER_SIZE"),
                p(g, "loc", "1,32"), p(g, "conf", "1,24"), p(g, "priors", "1,2,32"))));
        cases.add(new OpCase("DetectionOutput-8", g -> op(g, "DetectionOutput", 8,
                Attributes.of("keep_top_k", List.of(-1L), "top_k", 5L, "nms_threshold", 0.5, "normalized", true),
                p(g, "loc", "2,32"), p(g, "conf", "2,24"), p(g, "priors", "1,2,32"))));
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
