package dev.adjoint.openvino.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.core.Shape;
import dev.adjoint.Tensor;
import dev.adjoint.TensorScope;
import dev.adjoint.openvino.ir.Attributes;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.GraphBuilder;
import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.openvino.ir.IrWriter;
import dev.adjoint.openvino.ir.Node;
import dev.adjoint.openvino.ir.OpDefinition;
import dev.adjoint.openvino.ir.OpRegistry;
import dev.adjoint.openvino.ir.PartialShape;
import dev.adjoint.openvino.ir.PortType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The OpenVINO-style API: compile properties, devices, asynchronous requests, the plan, f16 weights, errors. */
class EngineApiTest {
    private final Core core = new Core();

    /** x [?, 4] -> MatMul W [4, 3] -> Add b -> Relu, with seeded weights. */
    static IrModel dense(long seed) {
        GraphBuilder g = new GraphBuilder("dense");
        Node x = g.parameter("x", ElementType.F32, PartialShape.parse("?,4"));
        g.setTensorNames(x.output(0), List.of("x"));
        float[] w = new float[12];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (r.nextDouble() * 2 - 1);
        }
        Node wc = g.constant("W", new long[] {4, 3}, w);
        Node mm = g.op("MatMul", 0, "matmul", Attributes.empty(), x.output(0), wc.output(0));
        Node b = g.constant("b", new long[] {1, 3}, 0.5f, -0.25f, 0.125f);
        Node add = g.op("Add", 1, "add", Attributes.empty(), mm.output(0), b.output(0));
        Node relu = g.op("Relu", 0, "relu", Attributes.empty(), add.output(0));
        g.setTensorNames(relu.output(0), List.of("y"));
        g.result("y", relu.output(0));
        return g.build();
    }

    @Test
    void f16WeightsRunThroughConvertFoldedOnce(@TempDir Path tmp) throws IOException {
        IrModel m = dense(1);
        Path xml = tmp.resolve("dense16.xml");
        IrWriter.write(m, xml, IrWriter.Options.fp16());
        Model compressed = core.readModel(xml);
        assertTrue(compressed.graph().nodes().stream().anyMatch(n -> n.is("Convert")), "the IR holds Converts");
        CompiledModel c = core.compileModel(compressed, "CPU");
        assertEquals(2, c.summary().folded(), "both Converts of the f16 weights are folded");
        assertEquals(1, c.summary().steps(), "MatMul, Add, Relu run as one step, its bias the folded Convert's");
        InferRequest r = c.createInferRequest();
        float[] x = {0.5f, -1, 2, 0.25f};
        r.setInputTensor(OvTensor.of(x, 1, 4));
        r.infer();
        // Reference: the same dense layer over the weights rounded to f16, in float64.
        float[] w = new float[12];
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < 12; i++) {
            w[i] = Float.float16ToFloat(Float.floatToFloat16((float) (rng.nextDouble() * 2 - 1)));
        }
        double[] b = {0.5, -0.25, 0.125};
        float[] got = r.getOutputTensor().toFloatArray();
        for (int j = 0; j < 3; j++) {
            double acc = b[j];
            for (int i = 0; i < 4; i++) {
                acc += x[i] * (double) w[i * 3 + j];
            }
            assertEquals(Math.max(0, acc), got[j], 1e-6, "column " + j);
        }
    }

    @Test
    void planDropsValuesAfterTheirLastUse() {
        GraphBuilder g = new GraphBuilder("chain");
        Node x = g.parameter("x", ElementType.F32, PartialShape.of(1, 1000));
        Node v = x;
        for (int i = 0; i < 10; i++) {
            // Sin and Cos do not fuse: each is a step of its own.
            v = g.op(i % 2 == 0 ? "Sin" : "Cos", 0, "op" + i, Attributes.empty(), v.output(0));
        }
        g.result("y", v.output(0));
        CompiledModel c = core.compileModel(Model.of(g.build()), "CPU");
        // A chain keeps at most the value being read and the one being made: 2 x 4000 bytes, not 10 x.
        assertEquals(8000, c.summary().peakIntermediateBytes());
        assertEquals(10, c.summary().steps());
        Plan plan = c.plan();
        for (int i = 0; i < 9; i++) {
            assertArrayEquals(new int[] {plan.steps().get(i).inputs().get(0) instanceof Plan.SlotRef s ? s.slot() : -1},
                    plan.steps().get(i).freeAfter(), "step " + i + " frees its input");
        }
        InferRequest r = c.createInferRequest();
        r.setInputTensor(Tensor.randomUniform(new SplittableRandom(2), -1, 1, 1, 1000));
        r.infer();
        assertArrayEquals(new int[] {1, 1000}, r.getOutputTensor().dims());
    }

    @Test
    void asyncRequestsRunInParallelUnderTheThroughputHint() {
        Map<String, String> props = Map.of(EngineProperties.PERFORMANCE_HINT, "THROUGHPUT",
                EngineProperties.NUM_STREAMS, "3");
        try (CompiledModel c = core.compileModel(Model.of(dense(3)), "CPU", props)) {
            assertEquals(3, c.optimalNumberOfInferRequests());
            assertEquals("THROUGHPUT", c.properties().get(EngineProperties.PERFORMANCE_HINT));
            List<InferRequest> requests = new ArrayList<>();
            List<Tensor> inputs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                InferRequest r = c.createInferRequest();
                Tensor x = Tensor.randomUniform(new SplittableRandom(10 + i), -1, 1, i + 1, 4);
                r.setInputTensor(x);
                r.startAsync();
                requests.add(r);
                inputs.add(x);
            }
            InferRequest sync = c.createInferRequest();
            for (int i = 0; i < 6; i++) {
                requests.get(i).waitAsync();
                sync.setInputTensor(inputs.get(i));
                sync.infer();
                assertEquals(sync.getOutputTensor(), requests.get(i).getOutputTensor(), "request " + i);
            }
        }
    }

    @Test
    void callbacksMayStartTheRequestAgain() throws InterruptedException {
        try (CompiledModel c = core.compileModel(Model.of(dense(6)), "CPU")) {
            InferRequest r = c.createInferRequest();
            r.setInputTensor(OvTensor.of(new float[] {1, 2, 3, 4}, 1, 4));
            java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
            List<EngineException> errors = java.util.Collections.synchronizedList(new ArrayList<>());
            r.setCallback(error -> {
                if (error != null) {
                    errors.add(error);
                }
                if (runs.incrementAndGet() < 5) {
                    r.startAsync();
                } else {
                    done.countDown();
                }
            });
            r.startAsync();
            assertTrue(done.await(30, java.util.concurrent.TimeUnit.SECONDS));
            r.waitAsync();
            assertEquals(5, runs.get());
            assertEquals(List.of(), errors);
            assertEquals(3, r.getOutputTensor().dims()[1]);
        }
    }

    @Test
    void asyncErrorsComeBackFromWaitAsync() {
        GraphBuilder g = new GraphBuilder("mm");
        Node x = g.parameter("x", ElementType.F32, PartialShape.parse("?,?"));
        Node w = g.constant("W", new long[] {4, 3}, new float[12]);
        g.result("y", g.op("MatMul", 0, "matmul", Attributes.empty(), x.output(0), w.output(0)).output(0));
        try (CompiledModel c = core.compileModel(Model.of(g.build()), "CPU")) {
            InferRequest r = c.createInferRequest();
            r.setInputTensor(OvTensor.of(new float[5], 1, 5));
            r.startAsync();
            EngineException e = assertThrows(EngineException.class, r::waitAsync);
            assertTrue(e.getMessage().startsWith("layer 'matmul' (MatMul-0): matmul: shapes (1, 5) and (4, 3) not"
                    + " aligned"), e.getMessage());
            assertTrue(e.getMessage().endsWith("(inputs f32(1, 5), f32(4, 3))"), e.getMessage());
        }
    }

    @Test
    void unsupportedOpsAreNamedWhenCompiling() {
        OpRegistry custom = new OpRegistry(withCustomOp());
        GraphBuilder g = new GraphBuilder("custom", custom);
        Node x = g.parameter("x", ElementType.F32, PartialShape.of(2));
        g.result("y", g.op("Frobnicate", 1, "frob/1", Attributes.empty(), x.output(0)).output(0));
        Model m = Model.of(g.build());
        EngineException e = assertThrows(EngineException.class, () -> core.compileModel(m, "CPU"));
        assertTrue(e.getMessage().startsWith("layer 'frob/1' (Frobnicate-1) is not supported by the engine"),
                e.getMessage());
        assertEquals(List.of("x", "y"), List.copyOf(core.queryModel(m, "CPU").keySet()));
    }

    private static List<OpDefinition> withCustomOp() {
        List<OpDefinition> defs = new ArrayList<>(OpRegistry.standard().definitions());
        defs.add(OpDefinition.define("Frobnicate", 1).inputs(1)
                .single(c -> new PortType(c.input(0).type(), c.input(0).shape())).build());
        return defs;
    }

    /**
     * A compiled model and its requests belong to no scope of the caller's: compiled in one scope, run and given a
     * state in others, they keep working after those closed, and an output taken inside a scope stays readable (a
     * scope closing used to release the model's constants, and with them every later inference).
     */
    @Test
    void aModelCompiledAndRunInsideScopesOutlivesThem() {
        GraphBuilder g = new GraphBuilder("counter");
        Node x = g.parameter("x", ElementType.F32, PartialShape.of(2));
        Node read = g.op("ReadValue", 6, "read", Attributes.of("variable_id", "acc", "variable_type", ElementType.F32,
                "variable_shape", PartialShape.of(2)));
        Node doubled = g.op("Multiply", 1, "doubled", Attributes.empty(), x.output(0),
                g.constant("two", new long[] {2}, 2, 2).output(0));
        Node sum = g.op("Add", 1, "sum", Attributes.empty(), read.output(0), doubled.output(0));
        g.op("Assign", 6, "save", Attributes.of("variable_id", "acc"), sum.output(0));
        g.result("y", sum.output(0));
        CompiledModel compiled;
        try (TensorScope _ = TensorScope.open()) {
            compiled = core.compileModel(Model.of(g.build()), "CPU");
        }
        InferRequest r = compiled.createInferRequest();
        OvTensor first;
        try (TensorScope _ = TensorScope.open()) {
            r.setInputTensor(OvTensor.of(new float[] {1, 2}, 2));
            r.infer();
            first = r.getOutputTensor();
        }
        assertArrayEquals(new float[] {2, 4}, first.toFloatArray(), "an output outlives the scope it was made in");
        r.setInputTensor(OvTensor.of(new float[] {1, 2}, 2));
        r.infer();
        assertArrayEquals(new float[] {4, 8}, r.getOutputTensor().toFloatArray(), "constants and state too");
        try (TensorScope _ = TensorScope.open()) {
            r.queryState().getFirst().setState(OvTensor.of(new float[] {10, 20}, 2));
        }
        r.infer();
        assertArrayEquals(new float[] {12, 24}, r.getOutputTensor().toFloatArray(), "a state set inside a scope");
    }

    /**
     * A deployed method's result is the caller's, as the eager method's would be: inside a scope it belongs to that
     * scope (released when it closes, unless kept), outside one to nobody; the request's own handle is gone.
     */
    @Test
    void aDeployedMethodsResultBelongsToTheCallersScope(@TempDir Path tmp) throws IOException {
        GraphBuilder g = new GraphBuilder("Doubler.apply");
        Node x = g.parameter("x", ElementType.F32, PartialShape.of(2));
        g.result("y", g.op("Multiply", 1, "twice", Attributes.empty(), x.output(0),
                g.constant("two", new long[] {2}, 2, 2).output(0)).output(0));
        Path xml = tmp.resolve("doubler.xml");
        IrWriter.write(g.build(), xml, IrWriter.Options.defaults());
        try (DeployedMethod doubler = DeployedMethod.load(xml, "CPU", Map.of(), "Doubler.apply", List.of("x"))) {
            Tensor released;
            Tensor kept;
            try (TensorScope scope = TensorScope.open()) {
                released = doubler.run(Tensor.of(new float[] {1, 2}));
                kept = scope.keep(doubler.run(Tensor.of(new float[] {3, 4})));
                assertArrayEquals(new float[] {2, 4}, released.toFloatArray());
                assertEquals(1, released.storageReferences(), "the caller's handle is the only one");
            }
            assertTrue(released.isReleased(), "released with the scope it was made in");
            assertArrayEquals(new float[] {6, 8}, kept.toFloatArray());
            Tensor outside = doubler.run(Tensor.of(new float[] {5, 6}));
            assertArrayEquals(new float[] {10, 12}, outside.toFloatArray());
        }
    }

    @Test
    void everyOpTheReaderKnowsHasAKernel() {
        List<String> missing = new ArrayList<>();
        List<String> infrastructure = List.of("Parameter", "Constant", "Result", "ReadValue", "Assign");
        for (OpDefinition d : OpRegistry.standard().definitions()) {
            if (!infrastructure.contains(d.type().name()) && OpTable.standard().kernel(d.type()) == null) {
                missing.add(d.type().toString());
            }
        }
        assertEquals(List.of(), missing);
        assertTrue(Core.supportedOps().contains("DetectionOutput-8"));
    }

    @Test
    void propertiesAndDevicesAreChecked() {
        Model m = Model.of(dense(4));
        EngineException unknown = assertThrows(EngineException.class,
                () -> core.compileModel(m, "CPU", Map.of("CACHE_DIR", "/tmp")));
        assertTrue(unknown.getMessage().startsWith("unknown property CACHE_DIR"), unknown.getMessage());
        EngineException hint = assertThrows(EngineException.class,
                () -> core.compileModel(m, "CPU", Map.of(EngineProperties.PERFORMANCE_HINT, "FAST")));
        assertEquals("property PERFORMANCE_HINT=FAST must be LATENCY or THROUGHPUT", hint.getMessage());
        assertThrows(EngineException.class,
                () -> core.compileModel(m, "CPU", Map.of(EngineProperties.INFERENCE_NUM_THREADS, "-1")));
        assertEquals(1, core.compileModel(m, "CPU").optimalNumberOfInferRequests());
        assertTrue(core.availableDevices().contains("CPU"));
        EngineException device = assertThrows(EngineException.class, () -> core.compileModel(m, "NPU"));
        assertTrue(device.getMessage().startsWith("unknown device 'NPU'; available: [CPU"), device.getMessage());
        if (!core.availableDevices().contains("CUDA")) {
            EngineException cuda = assertThrows(EngineException.class, () -> core.compileModel(m, "CUDA"));
            assertTrue(cuda.getMessage().startsWith("device 'CUDA' is not available"), cuda.getMessage());
        }
    }

    @Test
    void outputsAndInputsByName() {
        CompiledModel c = core.compileModel(Model.of(dense(5)), "CPU");
        assertEquals("x", c.input().anyName());
        assertEquals("y", c.output("y").anyName());
        assertEquals(PartialShape.parse("?,3"), c.output().partialShape());
        InferRequest r = c.createInferRequest();
        OvTensor x = OvTensor.of(Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, Shape.of(2, 4)));
        r.setTensor("x", x);
        r.infer();
        assertEquals(x, r.getTensor("x"));
        assertEquals(r.getOutputTensor(0), r.getTensor("y"));
        EngineException e = assertThrows(EngineException.class, () -> r.getTensor("z"));
        assertTrue(e.getMessage().contains("no tensor named 'z'"), e.getMessage());
    }
}
