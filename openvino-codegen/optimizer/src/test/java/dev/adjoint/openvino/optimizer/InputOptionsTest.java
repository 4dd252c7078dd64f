package dev.adjoint.openvino.optimizer;

import static dev.adjoint.openvino.optimizer.Support.count;
import static dev.adjoint.openvino.optimizer.Support.floats;
import static dev.adjoint.openvino.optimizer.Support.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.openvino.engine.OvTensor;
import dev.adjoint.openvino.ir.Attributes;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.GraphBuilder;
import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.openvino.ir.IrReader;
import dev.adjoint.openvino.ir.IrWriter;
import dev.adjoint.openvino.ir.Node;
import dev.adjoint.openvino.ir.PartialShape;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Input reshape and the legacy preprocessing options, against hand-computed references. */
class InputOptionsTest {
    private static final Attributes NUMPY = Attributes.of("auto_broadcast", "numpy");

    /** y = 2 * image. */
    static IrModel doubler(PartialShape shape) {
        GraphBuilder g = new GraphBuilder("doubler");
        Node x = g.parameter("image", ElementType.F32, shape);
        g.setTensorNames(x.output(0), List.of("image", "pixels"));
        Node y = g.op("Multiply", 1, "y", NUMPY, x.output(0), g.constant("two", new long[0], 2f).output(0));
        g.result("out", y.output(0));
        return g.build();
    }

    @Test
    void reshapeGivesStaticShapesAndKeepsNames() {
        IrModel m = FoldingPassesTest.flattenModel(PartialShape.parse("?,3,4"));
        Pass.Result r = new InputReshape(ConvertOptions.defaults().withInputs("x[5,3,4]").inputShapes()).apply(m);
        assertEquals(1, r.changes());
        assertEquals(PartialShape.of(5, 3, 4), r.model().parameters().get(0).outputs().get(0).shape());
        // Reshape's target is computed from ShapeOf: static only once the folding passes ran.
        assertEquals(PartialShape.parse("?,?"), r.model().results().get(0).input(0).shape());
        IrModel converted = ModelOptimizer.convert(m, ConvertOptions.defaults().withInputs("x[5,3,4]")).model();
        assertEquals(PartialShape.of(5, 12), converted.results().get(0).input(0).shape());
        IrModel byTensorName = new InputReshape(Map.of("pixels", PartialShape.of(1, 3, 2, 2)))
                .apply(doubler(PartialShape.parse("?,3,?,?"))).model();
        assertEquals(PartialShape.of(1, 3, 2, 2), byTensorName.parameters().get(0).outputs().get(0).shape());
        assertEquals(java.util.Set.of("image", "pixels"), byTensorName.parameters().get(0).outputs().get(0).names());
    }

    @Test
    void reshapeErrorsNameTheInputAndTheShapes() {
        IrModel m = doubler(PartialShape.parse("?,3,?,?"));
        OptimizerException unknown = assertThrows(OptimizerException.class,
                () -> new InputReshape(Map.of("img", PartialShape.of(1, 3, 2, 2))).apply(m));
        assertEquals("the model has no input 'img'; its inputs are [image[?,3,?,?]]", unknown.getMessage());
        OptimizerException rank = assertThrows(OptimizerException.class,
                () -> new InputReshape(Map.of("image", PartialShape.of(3, 2, 2))).apply(m));
        assertEquals("input 'image' has rank 4 (shape [?,3,?,?]); the shape given, [3,2,2], has rank 3",
                rank.getMessage());
        IrModel conv = FusionModels.convNet(PartialShape.of(1, 3, 8, 8));
        OptimizerException channels = assertThrows(OptimizerException.class,
                () -> new InputReshape(Map.of("", PartialShape.of(1, 4, 8, 8))).apply(conv));
        assertTrue(channels.getMessage().startsWith("the model cannot take the input shapes x[1,4,8,8]: "),
                channels.getMessage());
        assertTrue(channels.getMessage().contains("Convolution"), channels.getMessage());
    }

    @Test
    void inputSyntaxErrors() {
        ConvertOptions o = ConvertOptions.defaults();
        assertEquals("--input 'x[1,3': missing ']' after '[1,3'",
                assertThrows(OptimizerException.class, () -> o.withInputs("x[1,3")).getMessage());
        assertEquals("--input 'x': expected name[...] at 'x', e.g. x[1,3,224,224]",
                assertThrows(OptimizerException.class, () -> o.withInputs("x")).getMessage());
        assertTrue(assertThrows(OptimizerException.class, () -> o.withInputs("x[1,a]")).getMessage()
                .startsWith("--input: bad shape [1,a] for input 'x': "));
        assertEquals("--input 'x[1],y[2]z': expected ',' after 'x[1],y[2]', found 'z'",
                assertThrows(OptimizerException.class, () -> o.withInputs("x[1],y[2]z")).getMessage());
        assertEquals("--mean_values: 'abc' for input 'x' is not a finite number",
                assertThrows(OptimizerException.class, () -> o.withMeanValues("x[1,abc]")).getMessage());
        assertEquals(Map.of("x", PartialShape.of(1, 3), "y", PartialShape.parse("?,1..10")),
                o.withInputs("x[1,3], y[?,1..10]").inputShapes());
        assertEquals(PartialShape.of(2, 4), o.withInputs("[2,4]").inputShapes().get(""));
    }

    @Test
    void layoutErrors() {
        assertEquals("layout 'NC1W': '1' is not a dimension letter (expected letters such as NCHW or NHWC, ? for any,"
                + " or [N,C,H,W])", assertThrows(OptimizerException.class, () -> Layout.parse("NC1W")).getMessage());
        assertEquals("layout 'NCHC' names dimension C twice",
                assertThrows(OptimizerException.class, () -> Layout.parse("NCHC")).getMessage());
        assertTrue(assertThrows(OptimizerException.class, () -> Layout.parse("nhwc->nchw")).getMessage()
                .contains("layout conversion"));
        assertEquals(List.of("N", "C", "H", "W"), Layout.parse("[n, c, h, w]").dims());
        assertEquals(3, Layout.parse("nhwc").channelAxis());
        IrModel m = doubler(PartialShape.of(1, 3, 2, 2));
        ConvertOptions wrongRank = ConvertOptions.defaults().withLayout("image(NCH)").withMeanValues("[1,2,3]");
        assertEquals("--layout [N,C,H] has rank 3, but input 'image' [1,3,2,2] has rank 4", assertThrows(
                OptimizerException.class, () -> ModelOptimizer.convert(m, wrongRank)).getMessage());
        ConvertOptions noC = ConvertOptions.defaults().withLayout("NDHW").withMeanValues("[1,2,3]");
        assertEquals("--mean_values: the layout [N,D,H,W] of input 'image' [1,3,2,2] has no channel dimension C",
                assertThrows(OptimizerException.class, () -> ModelOptimizer.convert(m, noC)).getMessage());
        ConvertOptions count = ConvertOptions.defaults().withMeanValues("image[1,2,3,4,5]");
        assertTrue(assertThrows(OptimizerException.class, () -> ModelOptimizer.convert(m, count)).getMessage()
                .startsWith("--mean_values gives 5 values, but neither axis 1 nor the last axis of input 'image'"));
    }

    /**
     * reverse, mean and scale on NCHW: out[c] = 2 * (x[2 - c] - mean[c]) / scale[c], computed by a loop; then the
     * written IR holds a Gather (opset8) of [2,1,0] on axis 1, a Subtract and a Divide of [1,3,1,1] constants.
     */
    @Test
    void meanScaleAndReverseOnNchwMatchAHandComputedReference() throws Exception {
        IrModel m = doubler(PartialShape.parse("?,3,2,2"));
        ConvertOptions o = ConvertOptions.defaults().withInputs("image[1,3,2,2]").withLayout("image(NCHW)")
                .withMeanValues("image[10,20,30]").withScaleValues("image[2,4,8]").withReverseInputChannels(true)
                .withCompressToFp16(false);
        ModelOptimizer.Conversion c = ModelOptimizer.convert(m, o);
        float[] x = new float[12];
        for (int i = 0; i < 12; i++) {
            x[i] = 5 * i + 1;
        }
        float[] mean = {10, 20, 30};
        float[] scale = {2, 4, 8};
        float[] want = new float[12];
        for (int ch = 0; ch < 3; ch++) {
            for (int p = 0; p < 4; p++) {
                want[ch * 4 + p] = 2 * ((x[(2 - ch) * 4 + p] - mean[ch]) / scale[ch]);
            }
        }
        OvTensor in = OvTensor.of(x, 1, 3, 2, 2);
        assertArrayEquals(want, run(c.model(), List.of(in)).get(0).toFloatArray());

        IrWriter.Written w = IrWriter.toBytes(c.model(), IrWriter.Options.defaults());
        String xml = w.xml();
        assertTrue(xml.contains("name=\"image/reverse_channels\" type=\"Gather\" version=\"opset8\""), xml);
        assertTrue(xml.contains("<data batch_dims=\"0\" />"), xml);
        assertTrue(xml.contains("name=\"image/mean\" type=\"Subtract\" version=\"opset1\""), xml);
        assertTrue(xml.contains("name=\"image/scale\" type=\"Divide\" version=\"opset1\""), xml);
        assertTrue(xml.contains("layout=\"[N,C,H,W]\""), xml);
        IrModel back = new IrReader().read(w.xml().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                ByteBuffer.wrap(w.bin()), "preprocessed").model();
        Node gather = back.node("image/reverse_channels").orElseThrow();
        assertArrayEquals(new long[] {2, 1, 0}, Constants.integers(gather.input(1)).orElseThrow());
        assertArrayEquals(new long[] {1}, Constants.integers(gather.input(2)).orElseThrow());
        Node sub = back.node("image/mean").orElseThrow();
        assertArrayEquals(new long[] {1, 3, 1, 1}, sub.input(1).shape().lengths());
        assertArrayEquals(new double[] {10, 20, 30}, Constants.reals(sub.input(1)).orElseThrow().values());
        Node div = back.node("image/scale").orElseThrow();
        assertArrayEquals(new double[] {2, 4, 8}, Constants.reals(div.input(1)).orElseThrow().values());
        assertArrayEquals(want, run(back, List.of(in)).get(0).toFloatArray());
        assertEquals(java.util.Set.of("image", "pixels"), back.parameters().get(0).outputs().get(0).names());
    }

    /** NHWC: the channel axis is the last; without a layout, a 3 on the last axis is found too. */
    @Test
    void nhwcByLayoutAndByShape() {
        float[] x = floats(51, 12);
        float[] want = new float[12];
        float[] mean = {0.5f, -0.25f, 1f};
        for (int i = 0; i < 12; i++) {
            want[i] = 2 * (x[(i / 3) * 3 + (2 - i % 3)] - mean[i % 3]);
        }
        OvTensor in = OvTensor.of(x, 1, 2, 2, 3);
        for (ConvertOptions o : List.of(
                ConvertOptions.defaults().withLayout("NHWC").withMeanValues("[0.5,-0.25,1]"),
                ConvertOptions.defaults().withMeanValues("image[0.5,-0.25,1]"))) {
            IrModel out = ModelOptimizer.convert(doubler(PartialShape.of(1, 2, 2, 3)),
                    o.withReverseInputChannels(true)).model();
            assertEquals(1, count(out, "Gather"));
            assertArrayEquals(want, run(out, List.of(in)).get(0).toFloatArray());
        }
        assertTrue(assertThrows(OptimizerException.class, () -> ModelOptimizer.convert(
                doubler(PartialShape.of(1, 4, 2, 2)), ConvertOptions.defaults().withReverseInputChannels(true)))
                .getMessage().startsWith("--reverse_input_channels: no input has 3 channels"));
    }
}
