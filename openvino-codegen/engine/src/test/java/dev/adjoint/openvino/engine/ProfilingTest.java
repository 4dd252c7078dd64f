package dev.adjoint.openvino.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Tensor;
import dev.adjoint.openvino.ir.Attributes;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.GraphBuilder;
import dev.adjoint.openvino.ir.NodeOutput;
import dev.adjoint.openvino.ir.PartialShape;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** PERF_COUNT and {@link InferRequest#getProfilingInfo()}: one entry per step that ran, fused layers named. */
class ProfilingTest {
    private static final int CHANNELS = 8;
    private static final int SIZE = 48;

    private final Core core = new Core();

    /**
     * x [1, 8, 48, 48] -> Convolution 3x3 -> Add per-channel bias -> Relu (one fused step), then Multiply by 2 ->
     * Add 1 (one fused element-wise chain: 18,432 values), then Sin (a step of its own).
     */
    private static Model model() {
        GraphBuilder g = new GraphBuilder("profiled");
        NodeOutput x = g.parameter("x", ElementType.F32, PartialShape.of(1, CHANNELS, SIZE, SIZE)).output(0);
        SplittableRandom r = new SplittableRandom(3);
        float[] w = new float[CHANNELS * CHANNELS * 9];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextDouble(-0.3, 0.3);
        }
        float[] b = new float[CHANNELS];
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) r.nextDouble(-1, 1);
        }
        NodeOutput conv = g.op("Convolution", 1, "conv", Attributes.of("strides", List.of(1L, 1L), "pads_begin",
                List.of(1L, 1L), "pads_end", List.of(1L, 1L), "dilations", List.of(1L, 1L)), x,
                g.constant("w", new long[] {CHANNELS, CHANNELS, 3, 3}, w).output(0)).output(0);
        NodeOutput biased = g.op("Add", 1, "bias", Attributes.empty(), conv,
                g.constant("b", new long[] {1, CHANNELS, 1, 1}, b).output(0)).output(0);
        NodeOutput relu = g.op("Relu", 0, "relu", Attributes.empty(), biased).output(0);
        NodeOutput twice = g.op("Multiply", 1, "twice", Attributes.empty(), relu,
                g.constant("two", new long[] {1}, 2f).output(0)).output(0);
        NodeOutput plusOne = g.op("Add", 1, "plus_one", Attributes.empty(), twice,
                g.constant("one", new long[] {1}, 1f).output(0)).output(0);
        NodeOutput sin = g.op("Sin", 0, "sin", Attributes.empty(), plusOne).output(0);
        g.result("y", sin);
        return Model.of(g.build());
    }

    @Test
    void everyStepThatRanIsTimedUnderItsLayersName() {
        CompiledModel c = core.compileModel(model(), "CPU", Map.of(EngineProperties.PERF_COUNT, "YES"));
        assertEquals("YES", c.properties().get(EngineProperties.PERF_COUNT));
        InferRequest r = c.createInferRequest();
        r.setInputTensor(Tensor.randomUniform(new SplittableRandom(5), -1, 1, 1, CHANNELS, SIZE, SIZE));
        long start = System.nanoTime();
        r.infer();
        Duration wall = Duration.ofNanos(System.nanoTime() - start);

        List<ProfilingInfo> info = r.getProfilingInfo();
        assertEquals(c.summary().steps(), info.size(), "one entry per step: " + info);
        assertEquals(List.of("conv", "plus_one", "sin"), info.stream().map(ProfilingInfo::nodeName).toList());
        assertEquals(List.of("Convolution", "Add", "Sin"), info.stream().map(ProfilingInfo::nodeType).toList());
        assertEquals(List.of("Convolution+Add+Relu", "Multiply+Add", "Sin"),
                info.stream().map(ProfilingInfo::execType).toList());
        Duration sum = Duration.ZERO;
        for (ProfilingInfo p : info) {
            assertTrue(p.realTime().isPositive(), p + " took no time");
            sum = sum.plus(p.realTime());
        }
        assertTrue(sum.compareTo(wall) <= 0, "the layers' " + sum + " fit in the inference's " + wall);

        // A second inference replaces the first one's times.
        r.infer();
        List<ProfilingInfo> again = r.getProfilingInfo();
        assertEquals(info.stream().map(ProfilingInfo::nodeName).toList(),
                again.stream().map(ProfilingInfo::nodeName).toList());
    }

    @Test
    void profilingIsOffByDefaultAndNeedsAnInference() {
        CompiledModel plain = core.compileModel(model(), "CPU");
        assertEquals("NO", plain.properties().get(EngineProperties.PERF_COUNT));
        InferRequest r = plain.createInferRequest();
        r.setInputTensor(Tensor.randomUniform(new SplittableRandom(5), -1, 1, 1, CHANNELS, SIZE, SIZE));
        r.infer();
        EngineException off = assertThrows(EngineException.class, r::getProfilingInfo);
        assertEquals("profiling is off: compile the model with PERF_COUNT=YES to time its layers", off.getMessage());

        CompiledModel profiled = core.compileModel(model(), "CPU", Map.of(EngineProperties.PERF_COUNT, "true"));
        EngineException early = assertThrows(EngineException.class, () -> profiled.createInferRequest()
                .getProfilingInfo());
        assertEquals("no outputs yet: call infer() first", early.getMessage());

        EngineException bad = assertThrows(EngineException.class,
                () -> core.compileModel(model(), "CPU", Map.of(EngineProperties.PERF_COUNT, "MAYBE")));
        assertEquals("property PERF_COUNT=MAYBE must be YES or NO", bad.getMessage());
    }
}
