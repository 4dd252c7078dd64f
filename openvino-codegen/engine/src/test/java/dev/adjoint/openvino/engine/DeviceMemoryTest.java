package dev.adjoint.openvino.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.core.Shape;
import dev.adjoint.Tensor;
import dev.adjoint.openvino.ir.Attributes;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.GraphBuilder;
import dev.adjoint.openvino.ir.Node;
import dev.adjoint.openvino.ir.PartialShape;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The engine on a device whose memory is released (as a GPU's): intermediates are freed after their last use,
 * never while another value (a Reshape of them) is alive, never inputs, weights or state; and every helper tensor a
 * kernel makes is on the device.
 */
class DeviceMemoryTest {
    private final Core core = new Core();

    @Test
    void intermediatesAreReleasedButSharedStorageIsNot() {
        GraphBuilder g = new GraphBuilder("shared");
        Node x = g.parameter("x", ElementType.F32, PartialShape.of(2, 6));
        Node a = g.op("Relu", 0, "a", Attributes.empty(), x.output(0));
        // b shares a's storage; a dies at b, but its storage must live on through b.
        Node b = g.op("Reshape", 1, "b", Attributes.of("special_zero", false), a.output(0),
                g.constantI64("shape", new long[] {2}, 3, 4).output(0));
        // Sin, not Sigmoid: Sigmoid and the Multiply would be fused into one step.
        Node c = g.op("Sin", 0, "c", Attributes.empty(), b.output(0));
        Node d = g.op("Multiply", 1, "d", Attributes.empty(), c.output(0), b.output(0));
        g.result("y", d.output(0));
        CompiledModel compiled = core.compileModel(Model.of(g.build()), "releasing");
        assertEquals("RELEASING", compiled.device());
        InferRequest r = compiled.createInferRequest();
        Tensor input = Tensor.randomUniform(new SplittableRandom(3), -1, 1, 2, 6);
        r.setInputTensor(OvTensor.of(input.to(ReleasingBackend.DEVICE)));
        int before = ReleasingBackend.RELEASED.get();
        r.infer();
        float[] got = r.getOutputTensor().toFloatArray();
        float[] x0 = input.toFloatArray();
        for (int i = 0; i < 12; i++) {
            double v = Math.max(x0[i], 0);
            assertEquals(v * Math.sin(v), got[i], 1e-6);
        }
        assertTrue(ReleasingBackend.RELEASED.get() - before >= 2, "relu/reshape and sin storages are released");
        // The input is the caller's and was not released: it can be read again, and run again.
        r.infer();
        assertArrayEquals(got, r.getOutputTensor().toFloatArray());
    }

    @Test
    void inferenceNumThreadsLimitsEveryKernelOfARequest() {
        GraphBuilder g = new GraphBuilder("threads");
        Node x = g.parameter("x", ElementType.F32, PartialShape.of(2, 6));
        Node y = g.op("Sin", 0, "y", Attributes.empty(), g.op("Relu", 0, "r", Attributes.empty(), x.output(0))
                .output(0));
        g.result("out", y.output(0));
        Model model = Model.of(g.build());
        Tensor input = Tensor.randomUniform(new SplittableRandom(4), -1, 1, 2, 6).to(ReleasingBackend.DEVICE);
        for (String threads : List.of("1", "3", "0")) {
            InferRequest r = core.compileModel(model, "releasing",
                    Map.of(EngineProperties.INFERENCE_NUM_THREADS, threads)).createInferRequest();
            r.setInputTensor(OvTensor.of(input));
            ReleasingBackend.LIMITS_SEEN.clear();
            r.infer();
            List<Integer> seen = List.copyOf(ReleasingBackend.LIMITS_SEEN);
            assertFalse(seen.isEmpty(), "the request ran ops on the device");
            assertEquals(Set.of(Integer.parseInt(threads)), Set.copyOf(seen),
                    "INFERENCE_NUM_THREADS=" + threads + " (0: no limit)");
        }
    }

    @Test
    void theFixturesRunOnTheDevice() throws IOException {
        Model model = core.readModel(Fixtures.require("dense_relu/model.xml"));
        InferRequest r = core.compileModel(model, "releasing").createInferRequest();
        r.setInputTensor(OvTensor.of(Tensor.of(new float[][] {{1, -2, 3, 0.5f}})));
        r.infer();
        assertArrayEquals(new float[] {3.75f, 5.375f, 7.0f}, r.getOutputTensor().toFloatArray());
        assertEquals(ReleasingBackend.DEVICE, r.getOutputTensor().tensor().device());
        InferRequest s = core.compileModel(core.readModel(Fixtures.require("model_server/summator/model.xml")),
                "releasing").createInferRequest();
        for (int i = 1; i <= 3; i++) {
            s.setInputTensor(Tensor.of(new float[][] {{1}}));
            s.infer();
            assertEquals(i, s.getOutputTensor().toFloatArray()[0], "state survives on the device");
        }
    }

    @Test
    void aVariableWithoutInitializerStartsAsZerosOnTheDevice() {
        GraphBuilder g = new GraphBuilder("counter");
        Node x = g.parameter("x", ElementType.F32, PartialShape.of(2));
        Node read = g.op("ReadValue", 6, "read", Attributes.of("variable_id", "acc", "variable_type", ElementType.F32,
                "variable_shape", PartialShape.of(2)));
        Node sum = g.op("Add", 1, "sum", Attributes.empty(), read.output(0), x.output(0));
        g.op("Assign", 6, "save", Attributes.of("variable_id", "acc"), sum.output(0));
        g.result("y", sum.output(0));
        InferRequest r = core.compileModel(Model.of(g.build()), "releasing").createInferRequest();
        r.setInputTensor(OvTensor.of(new float[] {1, 2}, 2));
        r.infer();
        r.infer();
        assertArrayEquals(new float[] {2, 4}, r.getOutputTensor().toFloatArray());
    }

    /** Ops whose kernels make helper tensors (indices, weights, shapes) run on the device. */
    @Test
    void kernelsMakeTheirHelpersOnTheInputsDevice() {
        GraphBuilder g = new GraphBuilder("helpers");
        Node x = g.parameter("x", ElementType.F32, PartialShape.of(1, 2, 5, 5));
        List<Long> two = List.of(2L, 2L);
        Node pool = g.op("MaxPool", 8, "pool", Attributes.of("kernel", two, "strides", two, "rounding_type", "ceil"),
                x.output(0));
        Node resized = g.op("Interpolate", 11, "resize", Attributes.of("mode", "cubic", "shape_calculation_mode",
                "sizes"), pool.output(0), g.constantI64("sizes", new long[] {2}, 6, 6).output(0),
                g.constantI64("axes", new long[] {2}, 2, 3).output(0));
        Node padded = g.op("Pad", 1, "pad", Attributes.of("pad_mode", "reflect"), resized.output(0),
                g.constantI64("pb", new long[] {4}, 0, 0, 1, 1).output(0),
                g.constantI64("pe", new long[] {4}, 0, 0, 1, 1).output(0));
        Node gelu = g.op("Gelu", 7, "gelu", Attributes.empty(), padded.output(0));
        Node shape = g.op("ShapeOf", 3, "shape", Attributes.empty(), gelu.output(0));
        g.result("y", gelu.output(0));
        g.result("indices", pool.output(1));
        g.result("shape", shape.output(0));
        Model m = Model.of(g.build());
        Tensor input = Tensor.randomUniform(new SplittableRandom(4), -1, 1, 1, 2, 5, 5);
        InferRequest onDevice = core.compileModel(m, "releasing").createInferRequest();
        onDevice.setInputTensor(OvTensor.of(input.to(ReleasingBackend.DEVICE)));
        onDevice.infer();
        InferRequest onCpu = core.compileModel(m, "CPU").createInferRequest();
        onCpu.setInputTensor(input);
        onCpu.infer();
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(onCpu.getOutputTensor(i).toDoubleArray(), onDevice.getOutputTensor(i).toDoubleArray(),
                    "output " + i);
        }
        assertArrayEquals(new long[] {1, 2, 8, 8}, onDevice.getOutputTensor(2).toLongArray());
        assertEquals(Shape.of(1, 2, 3, 3), onDevice.getOutputTensor(1).shape());
    }
}
