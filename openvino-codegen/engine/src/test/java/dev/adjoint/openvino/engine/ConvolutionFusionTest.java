package dev.adjoint.openvino.engine;

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
 * A convolution's bias and activation folded into the convolution step give, element for element, what the layers
 * give one by one (fusion off), and are folded only where nothing else reads the values in between.
 */
class ConvolutionFusionTest {
    private final Core core = new Core();

    static float[] random(SplittableRandom r, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextDouble(-scale, scale);
        }
        return v;
    }

    static NodeOutput c(GraphBuilder g, String name, long[] shape, float[] v) {
        return g.constant(name, shape, v).output(0);
    }

    private static NodeOutput conv(GraphBuilder g, String type, NodeOutput x, NodeOutput w, long stride, long pad) {
        return g.op(type, 1, "conv", Attributes.of("strides", List.of(stride, stride), "pads_begin",
                List.of(pad, pad), "pads_end", List.of(pad, pad), "dilations", List.of(1L, 1L)), x, w).output(0);
    }

    static NodeOutput add(GraphBuilder g, String name, NodeOutput a, NodeOutput b) {
        return g.op("Add", 1, name, Attributes.empty(), a, b).output(0);
    }

    /**
     * Builds {@code x [1, channels, size, size] -> body -> outputs}, compiles it with and without fusion, checks the
     * fused step count and that every output is bit for bit the same (NaN and infinities in the input included).
     */
    private void check(String name, int channels, int size, BiConsumer<GraphBuilder, NodeOutput> body, int fusedSteps,
            int plainSteps) {
        GraphBuilder g = new GraphBuilder(name);
        body.accept(g, g.parameter("x", ElementType.F32, PartialShape.of(1, channels, size, size)).output(0));
        Model m = Model.of(g.build());
        CompiledModel fused = core.compileModel(m, "CPU");
        CompiledModel plain = core.compile(m, "CPU", Map.of(), false);
        assertEquals(plainSteps, plain.summary().steps(), name + ": steps without fusion");
        assertEquals(fusedSteps, fused.summary().steps(), name + ": steps with fusion");
        float[] input = random(new SplittableRandom(7), channels * size * size, 3);
        input[5] = Float.NaN;
        input[input.length / 2] = Float.POSITIVE_INFINITY;
        input[input.length - 3] = Float.NEGATIVE_INFINITY;
        InferRequest f = fused.createInferRequest(), p = plain.createInferRequest();
        for (InferRequest r : List.of(f, p)) {
            r.setInputTensor(0, OvTensor.of(input, 1, channels, size, size));
            r.infer();
        }
        for (int i = 0; i < m.outputs().size(); i++) {
            float[] want = p.getOutputTensor(i).toFloatArray(), got = f.getOutputTensor(i).toFloatArray();
            assertArrayEquals(want, got, name + ": output " + i);
        }
    }

    @Test
    void convolutionBiasRelu() {
        SplittableRandom r = new SplittableRandom(1);
        // 3x3 on 16 channels (Winograd on the vector path), and a 7x7 stride-2 stem (packed GEMM over patches).
        check("3x3", 16, 20, (g, x) -> g.result("y", g.op("Relu", 0, "relu", Attributes.empty(),
                add(g, "bias", conv(g, "Convolution", x,
                        c(g, "w", new long[] {24, 16, 3, 3}, random(r, 24 * 16 * 9, 0.3)), 1, 1),
                        c(g, "b", new long[] {1, 24, 1, 1}, random(r, 24, 1)))).output(0)), 1, 3);
        check("stem", 3, 45, (g, x) -> g.result("y", g.op("Relu", 0, "relu", Attributes.empty(),
                add(g, "bias", c(g, "b", new long[] {1, 16, 1, 1}, random(r, 16, 1)),
                        conv(g, "Convolution", x,
                                c(g, "w", new long[] {16, 3, 7, 7}, random(r, 16 * 3 * 49, 0.3)), 2, 3))).output(0)),
                1, 3);
    }

    @Test
    void depthwiseBiasRelu6() {
        SplittableRandom r = new SplittableRandom(2);
        check("depthwise", 32, 29, (g, x) -> g.result("y", g.op("Clamp", 0, "relu6", Attributes.of("min", 0.0, "max", 6.0),
                add(g, "bias", conv(g, "GroupConvolution", x,
                        c(g, "w", new long[] {32, 1, 1, 3, 3}, random(r, 32 * 9, 1)), 2, 1),
                        c(g, "b", new long[] {32, 1, 1}, random(r, 32, 2)))).output(0)), 1, 3);
    }

    @Test
    void aResidualAddFusesWithoutAnActivation() {
        SplittableRandom r = new SplittableRandom(3);
        // 1x1 projection + bias, then the residual Add (MobileNet's inverted residual): all in one step.
        check("project", 24, 30, (g, x) -> {
            NodeOutput y = add(g, "bias", conv(g, "Convolution", x,
                    c(g, "w", new long[] {24, 24, 1, 1}, random(r, 24 * 24, 0.3)), 1, 0),
                    c(g, "b", new long[] {1, 24, 1, 1}, random(r, 24, 1)));
            g.result("y", add(g, "residual", y, x));
        }, 1, 3);
    }

    /**
     * MobileNet-v2's inverted residual block with a stride-2 depthwise layer, run five times: later inferences write
     * into arrays the CPU buffer pool recycles from earlier layers, longer than the values they hold, and must give the
     * first inference's bits, which are the layers' one by one (fusion off).
     */
    @Test
    void anInvertedResidualBlockGivesTheSameBitsOnEveryInference() {
        SplittableRandom r = new SplittableRandom(4);
        GraphBuilder g = new GraphBuilder("block");
        NodeOutput x = g.parameter("x", ElementType.F32, PartialShape.of(1, 16, 30, 30)).output(0);
        NodeOutput expand = g.op("Clamp", 0, "relu6a", Attributes.of("min", 0.0, "max", 6.0), add(g, "biasA",
                conv(g, "Convolution", x, c(g, "wA", new long[] {96, 16, 1, 1}, random(r, 96 * 16, 0.3)), 1, 0),
                c(g, "bA", new long[] {1, 96, 1, 1}, random(r, 96, 1)))).output(0);
        NodeOutput depthwise = g.op("Clamp", 0, "relu6b", Attributes.of("min", 0.0, "max", 6.0), add(g, "biasB",
                conv(g, "GroupConvolution", expand, c(g, "wB", new long[] {96, 1, 1, 3, 3}, random(r, 96 * 9, 1)), 2,
                        1), c(g, "bB", new long[] {1, 96, 1, 1}, random(r, 96, 1)))).output(0);
        g.result("y", add(g, "biasC", conv(g, "Convolution", depthwise,
                c(g, "wC", new long[] {24, 96, 1, 1}, random(r, 24 * 96, 0.3)), 1, 0),
                c(g, "bC", new long[] {1, 24, 1, 1}, random(r, 24, 1))));
        Model m = Model.of(g.build());
        float[] input = random(new SplittableRandom(8), 16 * 30 * 30, 3);
        input[7] = Float.NaN;
        InferRequest plain = core.compile(m, "CPU", Map.of(), false).createInferRequest();
        plain.setInputTensor(0, OvTensor.of(input, 1, 16, 30, 30));
        plain.infer();
        float[] want = plain.getOutputTensor(0).toFloatArray();
        InferRequest fused = core.compileModel(m, "CPU").createInferRequest();
        fused.setInputTensor(0, OvTensor.of(input, 1, 16, 30, 30));
        for (int run = 0; run < 5; run++) {
            fused.infer();
            assertArrayEquals(want, fused.getOutputTensor(0).toFloatArray(), "inference " + run);
        }
    }

    /** An inverted residual block's expanded value (x where there is no expansion) and projection. */
    private record Block(NodeOutput expanded, NodeOutput projected) {
    }

    /** MobileNet-v2's expansion (ReLU6), 3x3 depthwise layer (ReLU6) and linear projection on {@code x}. */
    private static Block invertedResidual(GraphBuilder g, SplittableRandom r, NodeOutput x, int channels,
            int expanded, int out, long stride) {
        NodeOutput e = x;
        if (expanded > 0) {
            e = g.op("Clamp", 0, "relu6a", Attributes.of("min", 0.0, "max", 6.0), add(g, "biasA",
                    conv(g, "Convolution", x, c(g, "wA", new long[] {expanded, channels, 1, 1},
                            random(r, expanded * channels, 0.3)), 1, 0),
                    c(g, "bA", new long[] {1, expanded, 1, 1}, random(r, expanded, 1)))).output(0);
        }
        int wide = expanded > 0 ? expanded : channels;
        NodeOutput d = g.op("Clamp", 0, "relu6b", Attributes.of("min", 0.0, "max", 6.0), add(g, "biasB",
                conv(g, "GroupConvolution", e, c(g, "wB", new long[] {wide, 1, 1, 3, 3}, random(r, wide * 9, 1)),
                        stride, 1), c(g, "bB", new long[] {1, wide, 1, 1}, random(r, wide, 1)))).output(0);
        return new Block(e, add(g, "biasC", conv(g, "Convolution", d, c(g, "wC", new long[] {out, wide, 1, 1},
                random(r, out * wide, 0.3)), 1, 0), c(g, "bC", new long[] {1, out, 1, 1}, random(r, out, 1))));
    }

    /** The block's three layers, biases, clamps and shortcut Add (nine layers) run as one step (BlockFusion). */
    @Test
    void anInvertedResidualBlockWithItsShortcutIsOneStep() {
        SplittableRandom r = new SplittableRandom(9);
        check("block", 24, 28, (g, x) -> g.result("y", add(g, "shortcut", invertedResidual(g, r, x, 24, 144, 24, 1)
                .projected(), x)), 1, 9);
    }

    /** MobileNet-v2's first block has no expansion: its depthwise layer and projection are one step. */
    @Test
    void aDepthwiseLayerAndItsProjectionAreOneStep() {
        SplittableRandom r = new SplittableRandom(10);
        check("first block", 32, 40, (g, x) -> g.result("y", invertedResidual(g, r, x, 32, 0, 16, 1).projected()),
                1, 5);
    }

    /**
     * An expanded value the model also outputs stays a step of its own (the block would never write it); its
     * depthwise layer and projection are still joined.
     */
    @Test
    void anExpansionWithAnotherReaderStaysOutOfTheBlock() {
        SplittableRandom r = new SplittableRandom(11);
        check("expansion read twice", 8, 20, (g, x) -> {
            Block block = invertedResidual(g, r, x, 8, 48, 8, 2);
            g.result("y", block.projected());
            g.result("expanded", block.expanded());
        }, 2, 8);
    }

    /** A batch the model leaves dynamic: the block's bands run image after image, with the shortcut. */
    @Test
    void aBlockRunsEveryImageOfADynamicBatch() {
        SplittableRandom r = new SplittableRandom(12);
        GraphBuilder g = new GraphBuilder("dynamic batch");
        NodeOutput x = g.parameter("x", ElementType.F32, PartialShape.of(Dimension.dynamic(), Dimension.of(16),
                Dimension.of(21), Dimension.of(21))).output(0);
        g.result("y", add(g, "shortcut", invertedResidual(g, r, x, 16, 64, 16, 1).projected(), x));
        assertFusedEqualsPlain(Model.of(g.build()),
                OvTensor.of(random(new SplittableRandom(13), 3 * 16 * 21 * 21, 3), 3, 16, 21, 21));
    }

    /** Every output of {@code m} on {@code inputs}, fused, has the bits of the layers one by one (fusion off). */
    private void assertFusedEqualsPlain(Model m, OvTensor... inputs) {
        InferRequest fused = core.compileModel(m, "CPU").createInferRequest();
        InferRequest plain = core.compile(m, "CPU", Map.of(), false).createInferRequest();
        for (InferRequest request : List.of(fused, plain)) {
            for (int i = 0; i < inputs.length; i++) {
                request.setInputTensor(i, inputs[i]);
            }
            request.infer();
        }
        for (int i = 0; i < m.outputs().size(); i++) {
            assertArrayEquals(plain.getOutputTensor(i).toFloatArray(), fused.getOutputTensor(i).toFloatArray(),
                    "output " + i);
        }
    }

    /**
     * A block step runs its layers' own steps where one conv2dBlock cannot: a shortcut of one image that the Add
     * broadcasts over a dynamic batch of two, and a first layer whose negative pads crop its input.
     */
    @Test
    void aBlockFallsBackToItsStepsWhereOneConv2dBlockCannotRunIt() {
        SplittableRandom r = new SplittableRandom(14);
        GraphBuilder g = new GraphBuilder("fallbacks");
        NodeOutput x = g.parameter("x", ElementType.F32, PartialShape.of(Dimension.dynamic(), Dimension.of(8),
                Dimension.of(16), Dimension.of(16))).output(0);
        NodeOutput one = g.parameter("one", ElementType.F32, PartialShape.of(1, 8, 16, 16)).output(0);
        g.result("broadcast", add(g, "shortcut", invertedResidual(g, r, x, 8, 32, 8, 1).projected(), one));
        // A 1x1 expansion that crops a row and a column on each side (pads -1): 16x16 in, 14x14 out.
        NodeOutput cropped = g.op("Clamp", 0, "relu6c", Attributes.of("min", 0.0, "max", 6.0), add(g, "biasD",
                g.op("Convolution", 1, "crop", Attributes.of("strides", List.of(1L, 1L), "pads_begin",
                        List.of(-1L, -1L), "pads_end", List.of(-1L, -1L), "dilations", List.of(1L, 1L)), x,
                        c(g, "wD", new long[] {24, 8, 1, 1}, random(r, 24 * 8, 0.3))).output(0),
                c(g, "bD", new long[] {1, 24, 1, 1}, random(r, 24, 1)))).output(0);
        g.result("cropped", invertedResidual(g, r, cropped, 24, 0, 8, 1).projected());
        Model m = Model.of(g.build());
        assertEquals(2, core.compileModel(m, "CPU").summary().steps(), "two block steps");
        assertFusedEqualsPlain(m, OvTensor.of(random(new SplittableRandom(15), 2 * 8 * 16 * 16, 3), 2, 8, 16, 16),
                OvTensor.of(random(new SplittableRandom(16), 8 * 16 * 16, 3), 1, 8, 16, 16));
    }

    /**
     * A ResNet block with a downsampling shortcut: {@code relu(bias(conv B(relu(bias(conv A(x))))) + bias(conv D(x)))}.
     * Whichever convolution comes first in the plan takes the shortcut Add (and the Relu after it) as the sum of the
     * other's biased output, and runs where the Add ran: with D built first, D's step must wait for B's.
     */
    @Test
    void aResNetBlockFoldsItsShortcutAddAndReluIntoAConvolution() {
        for (boolean shortcutFirst : new boolean[] {false, true}) {
            SplittableRandom r = new SplittableRandom(5);
            float[] wa = random(r, 24 * 16 * 9, 0.3), wb = random(r, 24 * 24 * 9, 0.3), wd = random(r, 24 * 16, 0.3);
            float[] ba = random(r, 24, 1), bb = random(r, 24, 1), bd = random(r, 24, 1);
            BiConsumer<GraphBuilder, NodeOutput> block = (g, x) -> {
                NodeOutput down = null;
                if (shortcutFirst) {
                    down = add(g, "bias_d", conv(g, "Convolution", x, c(g, "wd", new long[] {24, 16, 1, 1}, wd), 1, 0),
                            c(g, "bd", new long[] {1, 24, 1, 1}, bd));
                }
                NodeOutput a = g.op("Relu", 0, "relu_a", Attributes.empty(), add(g, "bias_a", conv(g, "Convolution",
                        x, c(g, "wa", new long[] {24, 16, 3, 3}, wa), 1, 1), c(g, "ba", new long[] {1, 24, 1, 1}, ba)))
                        .output(0);
                NodeOutput b = add(g, "bias_b", conv(g, "Convolution", a, c(g, "wb", new long[] {24, 24, 3, 3}, wb), 1,
                        1), c(g, "bb", new long[] {1, 24, 1, 1}, bb));
                if (!shortcutFirst) {
                    down = add(g, "bias_d", conv(g, "Convolution", x, c(g, "wd", new long[] {24, 16, 1, 1}, wd), 1, 0),
                            c(g, "bd", new long[] {1, 24, 1, 1}, bd));
                }
                g.result("y", g.op("Relu", 0, "relu", Attributes.empty(), add(g, "sum", b, down)).output(0));
            };
            check("block, shortcut first " + shortcutFirst, 16, 20, block, 3, 9);

            GraphBuilder g = new GraphBuilder("block");
            block.accept(g, g.parameter("x", ElementType.F32, PartialShape.of(1, 16, 20, 20)).output(0));
            CompiledModel profiled = core.compileModel(Model.of(g.build()), "CPU",
                    Map.of(EngineProperties.PERF_COUNT, "YES"));
            InferRequest req = profiled.createInferRequest();
            req.setInputTensor(0, OvTensor.of(random(r, 16 * 400, 1), 1, 16, 20, 20));
            req.infer();
            List<String> exec = req.getProfilingInfo().stream().map(ProfilingInfo::execType).toList();
            assertEquals(List.of("Convolution+Add+Relu", "Convolution+Add", "Convolution+Add+Add+Relu").stream()
                    .sorted().toList(), exec.stream().sorted().toList(), "shortcut first " + shortcutFirst);
        }
    }

    /**
     * With a dynamic batch the shapes of the convolution and its shortcut are equal only at run time: the Add still
     * folds, and a shortcut that turns out to broadcast (batch 1 against batch 2) is added as the Add would add it.
     */
    @Test
    void aShortcutOfADynamicBatchFoldsAndBroadcastsAtRunTime() {
        SplittableRandom r = new SplittableRandom(8);
        GraphBuilder g = new GraphBuilder("dynamic");
        NodeOutput x = g.parameter("x", ElementType.F32, PartialShape.of(Dimension.dynamic(), Dimension.of(8),
                Dimension.of(12), Dimension.of(12))).output(0);
        NodeOutput s = g.parameter("s", ElementType.F32, PartialShape.of(Dimension.dynamic(), Dimension.of(8),
                Dimension.of(12), Dimension.of(12))).output(0);
        NodeOutput y = add(g, "bias", conv(g, "Convolution", x,
                c(g, "w", new long[] {8, 8, 3, 3}, random(r, 8 * 8 * 9, 0.3)), 1, 1),
                c(g, "b", new long[] {1, 8, 1, 1}, random(r, 8, 1)));
        g.result("y", g.op("Relu", 0, "relu", Attributes.empty(), add(g, "sum", y, s)).output(0));
        Model m = Model.of(g.build());
        CompiledModel fused = core.compileModel(m, "CPU");
        CompiledModel plain = core.compile(m, "CPU", Map.of(), false);
        assertEquals(1, fused.summary().steps());
        for (int shortcutBatch : new int[] {2, 1}) {
            float[] input = random(r, 2 * 8 * 144, 2), shortcut = random(r, shortcutBatch * 8 * 144, 2);
            InferRequest f = fused.createInferRequest(), p = plain.createInferRequest();
            for (InferRequest req : List.of(f, p)) {
                req.setInputTensor(0, OvTensor.of(input, 2, 8, 12, 12));
                req.setInputTensor(1, OvTensor.of(shortcut, shortcutBatch, 8, 12, 12));
                req.infer();
            }
            assertArrayEquals(p.getOutputTensor().toFloatArray(), f.getOutputTensor().toFloatArray(),
                    "shortcut batch " + shortcutBatch);
        }
    }

    /**
     * A fused convolution keeps its geometry between inferences (PreparedConvolution): a depthwise layer with constant
     * filters (padded "same_upper", so its pads follow the input's size: 0 and 1 for 12 rows, 1 and 1 for 9) and a
     * convolution whose filters are a model input, on inputs whose batch and spatial size change from one inference
     * to the next and back, must give the unfused layers' bits and shape every time.
     */
    @Test
    void aFusedConvolutionFollowsItsInputShapeAndFiltersFromInferenceToInference() {
        SplittableRandom r = new SplittableRandom(9);
        Model m = shapeFollowingModel(r);
        CompiledModel fused = core.compileModel(m, "CPU");
        assertEquals(2, fused.summary().steps());
        InferRequest f = fused.createInferRequest();
        InferRequest p = core.compile(m, "CPU", Map.of(), false).createInferRequest();
        int[][] shapes = {{1, 8, 12, 12}, {2, 8, 9, 15}, {1, 8, 12, 12}, {1, 8, 12, 12}};
        for (int[] shape : shapes) {
            float[] input = random(r, shape[0] * 8 * shape[2] * shape[3], 3), filters = random(r, 6 * 8 * 9, 0.3);
            for (InferRequest req : List.of(f, p)) {
                req.setInputTensor(0, OvTensor.of(input, shape));
                req.setInputTensor(1, OvTensor.of(filters, 6, 8, 3, 3));
                req.infer();
            }
            String where = java.util.Arrays.toString(shape);
            assertEquals(p.getOutputTensor().shape(), f.getOutputTensor().shape(), where);
            assertEquals(List.of(shape[0], 6, (shape[2] + 1) / 2, (shape[3] + 1) / 2),
                    java.util.Arrays.stream(f.getOutputTensor().shape().dims()).boxed().toList(), where);
            assertArrayEquals(p.getOutputTensor().toFloatArray(), f.getOutputTensor().toFloatArray(), where);
        }
    }

    /** A depthwise layer padded "same_upper" (constant filters), then a convolution whose filters are input 1. */
    private static Model shapeFollowingModel(SplittableRandom r) {
        GraphBuilder g = new GraphBuilder("shapes");
        NodeOutput x = g.parameter("x", ElementType.F32, PartialShape.of(Dimension.dynamic(), Dimension.of(8),
                Dimension.dynamic(), Dimension.dynamic())).output(0);
        NodeOutput w = g.parameter("w", ElementType.F32, PartialShape.of(6, 8, 3, 3)).output(0);
        NodeOutput depthwise = g.op("Clamp", 0, "relu6", Attributes.of("min", 0.0, "max", 6.0), add(g, "biasA",
                g.op("GroupConvolution", 1, "dw", Attributes.of("strides", List.of(2L, 2L), "pads_begin",
                        List.of(0L, 0L), "pads_end", List.of(0L, 0L), "dilations", List.of(1L, 1L), "auto_pad",
                        "same_upper"), x, c(g, "wA", new long[] {8, 1, 1, 3, 3}, random(r, 8 * 9, 1))).output(0),
                c(g, "bA", new long[] {1, 8, 1, 1}, random(r, 8, 1)))).output(0);
        g.result("y", add(g, "biasB", conv(g, "Convolution", depthwise, w, 1, 1),
                c(g, "bB", new long[] {1, 6, 1, 1}, random(r, 6, 1))));
        return Model.of(g.build());
    }

    /** Requests of other input shapes running at once on one compiled model each get their own geometry. */
    @Test
    void requestsOfDifferentShapesAtOnceEachGetTheirOwnResult() {
        SplittableRandom r = new SplittableRandom(10);
        Model m = shapeFollowingModel(r);
        InferRequest plain = core.compile(m, "CPU", Map.of(), false).createInferRequest();
        try (CompiledModel fused = core.compileModel(m, "CPU", Map.of(EngineProperties.PERFORMANCE_HINT,
                "THROUGHPUT", EngineProperties.NUM_STREAMS, "4"))) {
            int[][] shapes = {{1, 8, 12, 12}, {2, 8, 9, 15}, {1, 8, 17, 6}, {3, 8, 8, 8}};
            List<InferRequest> requests = new java.util.ArrayList<>();
            List<float[]> inputs = new java.util.ArrayList<>();
            float[] filters = random(r, 6 * 8 * 9, 0.3);
            for (int round = 0; round < 5; round++) {
                for (int[] shape : shapes) {
                    InferRequest q = fused.createInferRequest();
                    float[] input = random(r, shape[0] * 8 * shape[2] * shape[3], 3);
                    q.setInputTensor(0, OvTensor.of(input, shape));
                    q.setInputTensor(1, OvTensor.of(filters, 6, 8, 3, 3));
                    q.startAsync();
                    requests.add(q);
                    inputs.add(input);
                }
            }
            for (int i = 0; i < requests.size(); i++) {
                int[] shape = shapes[i % shapes.length];
                requests.get(i).waitAsync();
                plain.setInputTensor(0, OvTensor.of(inputs.get(i), shape));
                plain.setInputTensor(1, OvTensor.of(filters, 6, 8, 3, 3));
                plain.infer();
                assertArrayEquals(plain.getOutputTensor().toFloatArray(), requests.get(i).getOutputTensor()
                        .toFloatArray(), "request " + i + ", " + java.util.Arrays.toString(shape));
            }
        }
    }

    @Test
    void aShortcutThatBroadcastsIsNotFolded() {
        SplittableRandom r = new SplittableRandom(6);
        // The second operand of the Add is [1, 8, 1, 1] computed from x: a broadcast, not a shortcut of the output's
        // shape, so the Add stays a step of its own (conv + bias fold, the Add and the reduction do not).
        check("broadcast", 8, 16, (g, x) -> {
            NodeOutput y = add(g, "bias", conv(g, "Convolution", x,
                    c(g, "w", new long[] {8, 8, 3, 3}, random(r, 8 * 8 * 9, 0.3)), 1, 1),
                    c(g, "b", new long[] {1, 8, 1, 1}, random(r, 8, 1)));
            NodeOutput pooled = g.op("ReduceMean", 1, "mean", Attributes.of("keep_dims", true), x,
                    g.constantI64("axes", new long[] {2}, 2, 3).output(0)).output(0);
            g.result("y", add(g, "sum", y, pooled));
        }, 3, 4);
    }

    @Test
    void valuesReadElsewhereOrNonConstantOrFullShapedBiasesAreNotFolded() {
        SplittableRandom r = new SplittableRandom(4);
        float[] w = random(r, 8 * 8 * 9, 0.3);
        // The convolution's output is also a model output.
        check("output", 8, 16, (g, x) -> {
            NodeOutput conv = conv(g, "Convolution", x,
                    c(g, "w", new long[] {8, 8, 3, 3}, w), 1, 1);
            g.result("conv", conv);
            g.result("y", add(g, "bias", conv, c(g, "b", new long[] {1, 8, 1, 1}, random(r, 8, 1))));
        }, 2, 2);
        // The biased value has two readers: the bias folds, the Relu does not.
        check("branch", 8, 16, (g, x) -> {
            NodeOutput biased = add(g, "bias", conv(g, "Convolution", x,
                    c(g, "w", new long[] {8, 8, 3, 3}, w), 1, 1), c(g, "b", new long[] {1, 8, 1, 1}, random(r, 8, 1)));
            g.result("relu", g.op("Relu", 0, "relu", Attributes.empty(), biased).output(0));
            g.result("biased", biased);
        }, 2, 3);
        // A bias with a value per element is no per-channel bias; adding the input to itself is no constant.
        check("full", 8, 16, (g, x) -> g.result("y", add(g, "bias", conv(g, "Convolution",
                x, c(g, "w", new long[] {8, 8, 3, 3}, w), 1, 1),
                c(g, "b", new long[] {1, 8, 16, 16}, random(r, 8 * 256, 1)))), 2, 2);
        check("self", 8, 16, (g, x) -> {
            g.result("y", add(g, "plus", conv(g, "Convolution", x, c(g, "w", new long[] {8, 8, 3, 3}, w), 1, 1), x));
        }, 2, 2);
    }
}
