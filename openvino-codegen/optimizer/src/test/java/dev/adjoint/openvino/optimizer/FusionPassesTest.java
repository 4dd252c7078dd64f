package dev.adjoint.openvino.optimizer;

import static dev.adjoint.openvino.optimizer.Support.assertClose;
import static dev.adjoint.openvino.optimizer.Support.count;
import static dev.adjoint.openvino.optimizer.Support.floats;
import static dev.adjoint.openvino.optimizer.Support.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.openvino.engine.OvTensor;
import dev.adjoint.openvino.ir.Attributes;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.GraphBuilder;
import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.openvino.ir.Node;
import dev.adjoint.openvino.ir.NodeOutput;
import dev.adjoint.openvino.ir.PartialShape;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * BatchNorm and Multiply/Add folding into convolutions and matmuls: engine outputs before and after. Folded weights
 * are rounded once from double, so outputs differ by float32 rounding: compared at 1e-5 relative, 1e-6 absolute.
 */
class FusionPassesTest {
    private static final Attributes NUMPY = Attributes.of("auto_broadcast", "numpy");
    private static final double RTOL = 1e-5;
    private static final double ATOL = 1e-6;

    private static Attributes conv() {
        return Attributes.of("strides", List.of(1L, 1L), "dilations", List.of(1L, 1L), "pads_begin",
                List.of(1L, 1L), "pads_end", List.of(1L, 1L), "auto_pad", "explicit");
    }

    private static IrModel fuse(IrModel m) {
        return new ScaleShiftFusion().apply(new BatchNormFusion().apply(m).model()).model();
    }

    /** conv → bias Add → BatchNorm → Relu becomes conv → Add → Relu. */
    @Test
    void batchNormAfterConvolutionAndBiasFoldsIntoTheConvolution() {
        GraphBuilder g = new GraphBuilder("conv_bn");
        Node x = g.parameter("x", ElementType.F32, PartialShape.of(2, 3, 5, 5));
        Node w = g.constant("w", new long[] {4, 3, 3, 3}, floats(1, 108));
        Node c = g.op("Convolution", 1, "conv", conv(), x.output(0), w.output(0));
        Node b = g.constant("b", new long[] {1, 4, 1, 1}, floats(2, 4));
        Node biased = g.op("Add", 1, "bias", NUMPY, c.output(0), b.output(0));
        float[] var = floats(3, 4);
        for (int i = 0; i < 4; i++) {
            var[i] = Math.abs(var[i]) + 0.1f;
        }
        Node bn = g.op("BatchNormInference", 5, "bn", Attributes.of("epsilon", 1e-5), biased.output(0),
                g.constant("gamma", new long[] {4}, floats(4, 4)).output(0),
                g.constant("beta", new long[] {4}, floats(5, 4)).output(0),
                g.constant("mean", new long[] {4}, floats(6, 4)).output(0),
                g.constant("var", new long[] {4}, var).output(0));
        g.setTensorNames(bn.output(0), List.of("features"));
        Node relu = g.op("Relu", 0, "relu", Attributes.empty(), bn.output(0));
        g.result("out", relu.output(0));
        IrModel m = g.build();

        Pass.Result bnr = new BatchNormFusion().apply(m);
        assertEquals(1, bnr.changes());
        Pass.Result r = new ScaleShiftFusion().apply(bnr.model());
        assertEquals(2, r.changes(), "the BatchNorm's Multiply and Add");
        assertEquals(List.of("Convolution", "Add", "Relu"), opTypes(r.model()));
        assertEquals(Set.of("features"), r.model().node("relu").orElseThrow().input(0).names());
        OvTensor in = OvTensor.of(floats(7, 150), 2, 3, 5, 5);
        assertClose(run(m, List.of(in)), run(r.model(), List.of(in)), RTOL, ATOL);
    }

    /** Open Model Zoo style: GroupConvolution → Multiply [1,C,1,1] → Add [1,C,1,1]. */
    @Test
    void multiplyAndAddAfterGroupConvolutionFold() {
        GraphBuilder g = new GraphBuilder("dw");
        Node x = g.parameter("x", ElementType.F32, PartialShape.of(1, 4, 6, 6));
        Node w = g.constant("w", new long[] {4, 1, 1, 3, 3}, floats(11, 36));
        Node c = g.op("GroupConvolution", 1, "dw", conv(), x.output(0), w.output(0));
        Node mul = g.op("Multiply", 1, "Fused_Mul_", NUMPY, c.output(0),
                g.constant("s", new long[] {1, 4, 1, 1}, floats(12, 4)).output(0));
        Node add = g.op("Add", 1, "Fused_Add_", NUMPY, mul.output(0),
                g.constant("t", new long[] {1, 4, 1, 1}, floats(13, 4)).output(0));
        g.result("out", add.output(0));
        IrModel m = g.build();
        Pass.Result r = new ScaleShiftFusion().apply(m);
        assertEquals(1, r.changes(), "the Multiply folds into the weights; the Add is the bias");
        assertEquals(List.of("GroupConvolution", "Add"), opTypes(r.model()));
        OvTensor in = OvTensor.of(floats(14, 144), 1, 4, 6, 6);
        assertClose(run(m, List.of(in)), run(r.model(), List.of(in)), RTOL, ATOL);
    }

    /** MatMul (both weight layouts) → Add → Multiply (scalar) → Subtract [N] → one MatMul and one Add. */
    @Test
    void chainAfterMatMulFoldsForBothWeightLayouts() {
        for (boolean transposeB : new boolean[] {false, true}) {
            GraphBuilder g = new GraphBuilder("mlp");
            Node x = g.parameter("x", ElementType.F32, PartialShape.parse("?,5"));
            long[] ws = transposeB ? new long[] {3, 5} : new long[] {5, 3};
            Node w = g.constant("w", ws, floats(21, 15));
            Node mm = g.op("MatMul", 0, "mm", Attributes.of("transpose_a", false, "transpose_b", transposeB),
                    x.output(0), w.output(0));
            Node add = g.op("Add", 1, "add", NUMPY, g.constant("b", new long[] {1, 3}, floats(22, 3)).output(0),
                    mm.output(0));
            Node mul = g.op("Multiply", 1, "mul", NUMPY, add.output(0), g.constant("s", new long[0], 0.7f).output(0));
            Node mul2 = g.op("Multiply", 1, "mul2", NUMPY, mul.output(0),
                    g.constant("s2", new long[] {3}, floats(23, 3)).output(0));
            Node sub = g.op("Subtract", 1, "sub", NUMPY, mul2.output(0),
                    g.constant("t", new long[] {3}, floats(24, 3)).output(0));
            g.result("out", sub.output(0));
            IrModel m = g.build();
            Pass.Result r = new ScaleShiftFusion().apply(m);
            assertEquals(3, r.changes(), "two Multiplies and the Subtract");
            assertEquals(List.of("MatMul", "Add"), opTypes(r.model()));
            OvTensor in = OvTensor.of(floats(25, 20), 4, 5);
            assertClose(run(m, List.of(in)), run(r.model(), List.of(in)), RTOL, ATOL);
        }
    }

    /** A BatchNorm on a rank-2 MatMul output folds too. */
    @Test
    void batchNormAfterMatMul() {
        GraphBuilder g = new GraphBuilder("fc_bn");
        Node x = g.parameter("x", ElementType.F32, PartialShape.of(3, 4));
        Node mm = g.op("MatMul", 0, "fc", Attributes.of("transpose_a", false, "transpose_b", false), x.output(0),
                g.constant("w", new long[] {4, 6}, floats(31, 24)).output(0));
        Node bn = g.op("BatchNormInference", 0, "bn", Attributes.of("epsilon", 1e-3),
                g.constant("gamma", new long[] {6}, floats(32, 6)).output(0),
                g.constant("beta", new long[] {6}, floats(33, 6)).output(0), mm.output(0),
                g.constant("mean", new long[] {6}, floats(34, 6)).output(0),
                g.constant("var", new long[] {6}, 0.5f, 1f, 2f, 0.25f, 3f, 1.5f).output(0));
        g.result("out", bn.output(0));
        IrModel m = g.build();
        IrModel f = fuse(m);
        assertEquals(List.of("MatMul", "Add"), opTypes(f));
        OvTensor in = OvTensor.of(floats(35, 12), 3, 4);
        assertClose(run(m, List.of(in)), run(f, List.of(in)), RTOL, ATOL);
    }

    /** Not folded: a conv output read twice; a Multiply that varies over H and W; a Multiply by a non-constant. */
    @Test
    void foldsOnlyWhatIsPerChannelAndSingleReader() {
        GraphBuilder g = new GraphBuilder("no");
        Node x = g.parameter("x", ElementType.F32, PartialShape.of(1, 2, 4, 4));
        Node c = g.op("Convolution", 1, "conv", conv(), x.output(0),
                g.constant("w", new long[] {2, 2, 3, 3}, floats(41, 36)).output(0));
        Node spatial = g.op("Multiply", 1, "spatial", NUMPY, c.output(0),
                g.constant("hw", new long[] {1, 1, 4, 4}, floats(42, 16)).output(0));
        Node c2 = g.op("Convolution", 1, "conv2", conv(), x.output(0),
                g.constant("w2", new long[] {2, 2, 3, 3}, floats(43, 36)).output(0));
        Node twice = g.op("Multiply", 1, "twice", NUMPY, c2.output(0),
                g.constant("s", new long[] {1, 2, 1, 1}, 2f, 3f).output(0));
        Node also = g.op("Relu", 0, "also", Attributes.empty(), c2.output(0));
        Node c3 = g.op("Convolution", 1, "conv3", conv(), x.output(0),
                g.constant("w3", new long[] {2, 2, 3, 3}, floats(44, 36)).output(0));
        Node byInput = g.op("Multiply", 1, "by_input", NUMPY, c3.output(0), x.output(0));
        NodeOutput sum = g.op("Add", 1, "s1", NUMPY, spatial.output(0), twice.output(0)).output(0);
        sum = g.op("Add", 1, "s2", NUMPY, sum, also.output(0)).output(0);
        g.result("out", g.op("Add", 1, "s3", NUMPY, sum, byInput.output(0)).output(0));
        IrModel m = g.build();
        Pass.Result r = new ScaleShiftFusion().apply(m);
        assertEquals(0, r.changes());
        assertEquals(ModelOptimizer.ops(m), ModelOptimizer.ops(r.model()));
        assertEquals(0, new BatchNormFusion().apply(m).changes());
    }

    /** A BatchNorm with no convolution before it is left to the engine's kernel. */
    @Test
    void batchNormWithoutALinearProducerStays() {
        GraphBuilder g = new GraphBuilder("bn_only");
        Node x = g.parameter("x", ElementType.F32, PartialShape.of(1, 2, 3));
        Node bn = g.op("BatchNormInference", 5, "bn", Attributes.of("epsilon", 1e-5), x.output(0),
                g.constant("gamma", new long[] {2}, 1f, 2f).output(0),
                g.constant("beta", new long[] {2}, 0f, 1f).output(0),
                g.constant("mean", new long[] {2}, 0f, 0f).output(0),
                g.constant("var", new long[] {2}, 1f, 1f).output(0));
        g.result("out", bn.output(0));
        IrModel m = g.build();
        Pass.Result r = new BatchNormFusion().apply(m);
        assertEquals(0, r.changes());
        assertTrue(count(r.model(), "BatchNormInference") == 1);
    }

    static List<String> opTypes(IrModel m) {
        return m.nodes().stream().filter(n -> !n.is("Parameter") && !n.is("Constant") && !n.is("Result"))
                .map(n -> n.type().name()).toList();
    }
}
