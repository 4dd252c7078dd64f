package dev.adjoint.openvino.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Tensor;
import dev.adjoint.openvino.ir.Attributes;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.GraphBuilder;
import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.openvino.ir.Node;
import dev.adjoint.openvino.ir.NodeOutput;
import dev.adjoint.openvino.ir.PartialShape;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Element-wise fusion gives what layer-by-layer execution gives, and fuses only what it may. */
class FusionTest {
    private final Core core = new Core();

    private static NodeOutput op(GraphBuilder g, String type, String name, NodeOutput... in) {
        int version = List.of("Relu", "Sigmoid", "Tanh", "Exp", "Negative", "Abs", "Sqrt", "Log", "Sin")
                .contains(type) ? 0 : 1;
        return g.op(type, version, name, Attributes.empty(), in).output(0);
    }

    private static NodeOutput c(GraphBuilder g, String name, long[] shape, float... v) {
        return g.constant(name, shape, v).output(0);
    }

    /** conv-like scale and shift, relu, a branch, a right-hand Subtract, a widening operand, a middle output. */
    private static IrModel graph() {
        GraphBuilder g = new GraphBuilder("fusion");
        NodeOutput x = g.parameter("x", ElementType.F32, PartialShape.parse("?,3,8192")).output(0);
        NodeOutput y = g.parameter("y", ElementType.F32, PartialShape.parse("?,3,1")).output(0);
        NodeOutput a = op(g, "Multiply", "scale", x, c(g, "s", new long[] {1, 3, 1}, 0.5f, 2f, -1f));
        NodeOutput b = op(g, "Add", "shift", c(g, "t", new long[] {3, 1}, 0.1f, 0.2f, 0.3f), a);
        NodeOutput r = op(g, "Relu", "relu", b);
        // r has two readers: the chain must end at it.
        NodeOutput s1 = op(g, "Sigmoid", "sig", r);
        NodeOutput s2 = op(g, "Tanh", "tanh", r);
        // The chain value on the right of a Subtract: a new chain starts.
        NodeOutput d = op(g, "Subtract", "sub", c(g, "one", new long[] {1}, 1f), s1);
        NodeOutput e = op(g, "Exp", "exp", d);
        // A widening operand: [?, 3, 8192] * [2, 1, 1, 1] -> [2, ?, 3, 8192].
        NodeOutput w = op(g, "Multiply", "widen", e, c(g, "w", new long[] {2, 1, 1, 1}, 0.5f, 2));
        NodeOutput m = op(g, "Maximum", "max", y, w);
        g.result("middle", e);
        g.result("out", m);
        g.result("branch", op(g, "Abs", "abs", s2));
        // x * x: the same value may not be both chain and operand.
        g.result("square", op(g, "Multiply", "square", op(g, "Negative", "neg", x), op(g, "Negative", "neg2", x)));
        return g.build();
    }

    @Test
    void fusedEqualsLayerByLayer() {
        Model m = Model.of(graph());
        CompiledModel fused = core.compileModel(m, "CPU");
        CompiledModel plain = core.compile(m, "CPU", Map.of(), false);
        assertTrue(fused.summary().steps() < plain.summary().steps(),
                fused.summary().steps() + " fused steps against " + plain.summary().steps());
        for (int batch : new int[] {1, 3}) {
            Tensor x = Tensor.randomUniform(new SplittableRandom(batch), -2, 2, batch, 3, 8192);
            Tensor y = Tensor.randomUniform(new SplittableRandom(10 + batch), -2, 2, batch, 3, 1);
            InferRequest f = fused.createInferRequest();
            InferRequest p = plain.createInferRequest();
            for (InferRequest r : List.of(f, p)) {
                r.setInputTensor(0, OvTensor.of(x));
                r.setInputTensor(1, OvTensor.of(y));
                r.infer();
            }
            for (int i = 0; i < 4; i++) {
                Tensor want = p.getOutputTensor(i).tensor();
                Tensor got = f.getOutputTensor(i).tensor();
                assertEquals(want.shape(), got.shape(), "output " + i);
                assertTrue(Tensor.allClose(got, want, 1e-6, 1e-7), "output " + i + ": " + got + " vs " + want);
            }
        }
    }

    @Test
    void smallValuesAreNotFused() {
        GraphBuilder g = new GraphBuilder("small");
        NodeOutput x = g.parameter("x", ElementType.F32, PartialShape.of(4, 64)).output(0);
        g.result("y", op(g, "Relu", "relu", op(g, "Add", "add", x, x)));
        assertEquals(2, core.compileModel(Model.of(g.build()), "CPU").summary().steps());
    }

    @Test
    void aFailingFusedChainNamesItsLayers() {
        GraphBuilder g = new GraphBuilder("bad");
        NodeOutput x = g.parameter("x", ElementType.F32, PartialShape.parse("16384..")).output(0);
        NodeOutput z = g.parameter("z", ElementType.F32, PartialShape.parse("16384..")).output(0);
        g.result("out", op(g, "Add", "plus", op(g, "Relu", "first", x), z));
        InferRequest r = core.compileModel(Model.of(g.build()), "CPU").createInferRequest();
        r.setInputTensor(0, OvTensor.of(new float[16384], 16384));
        r.setInputTensor(1, OvTensor.of(new float[16385], 16385));
        EngineException e = assertThrows(EngineException.class, r::infer);
        assertTrue(e.getMessage().startsWith("layer 'plus' (Add-1): in the fused layers 'first', 'plus': "),
                e.getMessage());
    }

    @Test
    void aResNetBlockFusesItsScaleShiftAndRelu() {
        GraphBuilder g = new GraphBuilder("block");
        Node x = g.parameter("x", ElementType.F32, PartialShape.of(1, 2, 128, 128));
        NodeOutput conv = g.op("Convolution", 1, "conv", Attributes.of("strides", List.of(1L, 1L), "pads_begin",
                List.of(1L, 1L), "pads_end", List.of(1L, 1L), "dilations", List.of(1L, 1L)), x.output(0),
                c(g, "W", new long[] {2, 2, 3, 3}, new float[36])).output(0);
        NodeOutput bn = op(g, "Add", "Fused_Add", op(g, "Multiply", "Fused_Mul", conv,
                c(g, "s", new long[] {1, 2, 1, 1}, 1, 2)), c(g, "t", new long[] {1, 2, 1, 1}, 3, -4));
        g.result("y", op(g, "Relu", "relu", op(g, "Add", "residual", bn, x.output(0))));
        CompiledModel compiled = core.compileModel(Model.of(g.build()), "CPU");
        assertEquals(2, compiled.summary().steps(), "the convolution, then one fused step");
        InferRequest r = compiled.createInferRequest();
        float[] input = new float[2 * 128 * 128];
        for (int i = 0; i < input.length; i++) {
            input[i] = (i % 101) - 50;
        }
        r.setInputTensor(OvTensor.of(input, 1, 2, 128, 128));
        r.infer();
        float[] got = r.getOutputTensor().toFloatArray();
        for (int i = 0; i < input.length; i++) {
            float shift = i < 128 * 128 ? 3 : -4;
            assertEquals(Math.max(0, shift + input[i]), got[i], 0, "element " + i);
        }
    }

    /** A MobileNet-v2 block's bias then ReLU6 (Clamp 0..6): one fused step, as the layers give it, NaN included. */
    @Test
    void aBiasAndClampFuseIntoOneStep() {
        GraphBuilder g = new GraphBuilder("relu6");
        NodeOutput x = g.parameter("x", ElementType.F32, PartialShape.of(1, 4, 64, 64)).output(0);
        NodeOutput bias = op(g, "Add", "bias", x, c(g, "b", new long[] {1, 4, 1, 1}, 0.5f, -1, 2, 7));
        NodeOutput clamp = g.op("Clamp", 0, "relu6", Attributes.of("min", 0.0, "max", 6.0), bias).output(0);
        g.result("y", clamp);
        Model m = Model.of(g.build());
        CompiledModel fused = core.compileModel(m, "CPU");
        CompiledModel plain = core.compile(m, "CPU", Map.of(), false);
        assertEquals(1, fused.summary().steps());
        assertEquals(2, plain.summary().steps());
        float[] input = new float[4 * 64 * 64];
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) random.nextDouble(-10, 10);
        }
        input[3] = Float.NaN;
        input[77] = Float.POSITIVE_INFINITY;
        input[78] = Float.NEGATIVE_INFINITY;
        float[][] out = new float[2][];
        int k = 0;
        for (CompiledModel cm : List.of(fused, plain)) {
            InferRequest r = cm.createInferRequest();
            r.setInputTensor(OvTensor.of(input, 1, 4, 64, 64));
            r.infer();
            out[k++] = r.getOutputTensor().toFloatArray();
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(out[1], out[0]);
        assertTrue(Float.isNaN(out[0][3]));
        assertEquals(6f, out[0][77]);
        assertEquals(0f, out[0][78]);
        assertEquals(Math.min(6, Math.max(0, input[5000] + (5000 / 4096 == 1 ? -1 : 0.5f))), out[0][5000]);
    }

    @Test
    void aClampWithBoundsOutsideFloatIsNotFused() {
        GraphBuilder g = new GraphBuilder("wide");
        NodeOutput x = g.parameter("x", ElementType.F32, PartialShape.of(1, 4, 64, 64)).output(0);
        NodeOutput bias = op(g, "Add", "bias", x, x);
        g.result("y", g.op("Clamp", 0, "bad", Attributes.of("min", -1e39, "max", 6.0), bias).output(0));
        assertEquals(2, core.compileModel(Model.of(g.build()), "CPU").summary().steps());
    }
}
