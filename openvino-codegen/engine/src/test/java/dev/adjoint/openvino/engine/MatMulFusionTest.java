package dev.adjoint.openvino.engine;

import static dev.adjoint.openvino.engine.ConvolutionFusionTest.add;
import static dev.adjoint.openvino.engine.ConvolutionFusionTest.c;
import static dev.adjoint.openvino.engine.ConvolutionFusionTest.random;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.openvino.ir.Attributes;
import dev.adjoint.openvino.ir.Dimension;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.GraphBuilder;
import dev.adjoint.openvino.ir.NodeOutput;
import dev.adjoint.openvino.ir.PartialShape;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * A MatMul's bias Add and activation folded into its step ({@link EpilogueFusion}, as {@code Tensor.matmulBias})
 * give, element for element, what the layers give one by one (fusion off), and are folded only where the bias is one
 * value per column and nothing else reads the values in between.
 */
class MatMulFusionTest {
    private static final Core CORE = new Core();

    private static NodeOutput matmul(GraphBuilder g, NodeOutput a, NodeOutput b, boolean transposeB) {
        return g.op("MatMul", 0, "matmul", Attributes.of("transpose_a", false, "transpose_b", transposeB), a, b)
                .output(0);
    }

    private static NodeOutput relu(GraphBuilder g, NodeOutput x) {
        return g.op("Relu", 0, "relu", Attributes.empty(), x).output(0);
    }

    /**
     * Builds {@code x [shape] -> body -> outputs}, compiles it with and without fusion, checks the step counts and that
     * every output is bit for bit the same at {@code runShape} (NaN and infinities in the input included).
     */
    static void check(String name, PartialShape shape, int[] runShape, BiConsumer<GraphBuilder, NodeOutput> body,
            int fusedSteps, int plainSteps) {
        GraphBuilder g = new GraphBuilder(name);
        body.accept(g, g.parameter("x", ElementType.F32, shape).output(0));
        Model m = Model.of(g.build());
        CompiledModel fused = CORE.compileModel(m, "CPU");
        CompiledModel plain = CORE.compile(m, "CPU", Map.of(), false);
        assertEquals(plainSteps, plain.summary().steps(), name + ": steps without fusion");
        assertEquals(fusedSteps, fused.summary().steps(), name + ": steps with fusion");
        int size = 1;
        for (int d : runShape) {
            size *= d;
        }
        float[] input = random(new SplittableRandom(7), size, 3);
        input[5] = Float.NaN;
        input[size / 2] = Float.POSITIVE_INFINITY;
        input[size - 3] = Float.NEGATIVE_INFINITY;
        InferRequest f = fused.createInferRequest(), p = plain.createInferRequest();
        for (InferRequest r : List.of(f, p)) {
            r.setInputTensor(0, OvTensor.of(input, runShape));
            r.infer();
        }
        for (int i = 0; i < m.outputs().size(); i++) {
            assertArrayEquals(p.getOutputTensor(i).toFloatArray(), f.getOutputTensor(i).toFloatArray(),
                    name + ": output " + i);
        }
    }

    @Test
    void denseLayersFoldTheirBiasAndActivation() {
        SplittableRandom r = new SplittableRandom(1);
        // A Gemm as exported (weights [out, in], transpose_b), bias [N], Relu; a dynamic batch.
        check("gemm", PartialShape.of(Dimension.dynamic(), Dimension.of(24)), new int[] {5, 24},
                (g, x) -> g.result("y", relu(g, add(g, "bias", matmul(g, x,
                        c(g, "w", new long[] {40, 24}, random(r, 40 * 24, 0.3)), true),
                        c(g, "b", new long[] {40}, random(r, 40, 1))))),
                1, 3);
        // PyTorch's MatMul then Add: bias [1, N] on the Add's left, a ReLU6 Clamp, and a classifier's 1000 columns.
        check("linear", PartialShape.of(1, 64), new int[] {1, 64},
                (g, x) -> g.result("y", g.op("Clamp", 0, "relu6", Attributes.of("min", 0.0, "max", 6.0),
                        add(g, "bias", c(g, "b", new long[] {1, 1000}, random(r, 1000, 1)), matmul(g, x,
                                c(g, "w", new long[] {64, 1000}, random(r, 64 * 1000, 0.3)), false))).output(0)),
                1, 3);
        // A stack of rows (a transformer's tokens), bias [1, 1, N], no activation.
        check("tokens", PartialShape.of(2, 3, 16), new int[] {2, 3, 16},
                (g, x) -> g.result("y", add(g, "bias", matmul(g, x,
                        c(g, "w", new long[] {16, 17}, random(r, 16 * 17, 0.3)), false),
                        c(g, "b", new long[] {1, 1, 17}, random(r, 17, 1)))),
                1, 2);
    }

    @Test
    void foldsOnlyPerColumnBiasesThatNothingElseReads() {
        SplittableRandom r = new SplittableRandom(2);
        // A bias of one value per element, not per column: three layers.
        check("matrix bias", PartialShape.of(2, 8), new int[] {2, 8},
                (g, x) -> g.result("y", relu(g, add(g, "bias", matmul(g, x,
                        c(g, "w", new long[] {8, 6}, random(r, 48, 0.3)), false),
                        c(g, "b", new long[] {2, 6}, random(r, 12, 1))))),
                3, 3);
        // The product is also an output: nothing folds.
        check("read product", PartialShape.of(2, 8), new int[] {2, 8}, (g, x) -> {
            NodeOutput y = matmul(g, x, c(g, "w", new long[] {8, 6}, random(r, 48, 0.3)), false);
            g.result("product", y);
            g.result("y", add(g, "bias", y, c(g, "b", new long[] {6}, random(r, 6, 1))));
        }, 2, 2);
        // The sum is also an output: the bias folds, the Relu stays a layer.
        check("read sum", PartialShape.of(2, 8), new int[] {2, 8}, (g, x) -> {
            NodeOutput y = add(g, "bias", matmul(g, x, c(g, "w", new long[] {8, 6}, random(r, 48, 0.3)), false),
                    c(g, "b", new long[] {6}, random(r, 6, 1)));
            g.result("sum", y);
            g.result("y", relu(g, y));
        }, 2, 3);
    }
}
