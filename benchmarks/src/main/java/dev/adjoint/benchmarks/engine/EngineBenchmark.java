package dev.adjoint.benchmarks.engine;

import dev.adjoint.core.Shape;
import dev.adjoint.Tensor;
import dev.adjoint.openvino.engine.CompiledModel;
import dev.adjoint.openvino.engine.Core;
import dev.adjoint.openvino.engine.InferRequest;
import dev.adjoint.openvino.engine.Model;
import dev.adjoint.openvino.engine.OvTensor;
import dev.adjoint.openvino.ir.Attributes;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.GraphBuilder;
import dev.adjoint.openvino.ir.NodeOutput;
import dev.adjoint.openvino.ir.PartialShape;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The engine against the same ops called eagerly. {@code chain*}: 100 small element-wise ops (Multiply, Add, Relu,
 * Sigmoid in turn, on a 1 x 64 tensor) as one {@code infer()} of a compiled IR chain or as 100 eager Tensor calls;
 * the difference divided by 100 is the engine's per-op overhead. {@code resnet*}: a ResNet-18-shaped network
 * ({@link ResNetShape}) at batch 1 through the engine and op by op through eager Tensor calls. Kernel threads come
 * from {@code -Dadjoint.cpu.threads} ({@code scripts/bench/engine.sh} runs 1 and 2).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 6, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
public class EngineBenchmark {
    static final int CHAIN = 100;

    private InferRequest chainRequest;
    private Tensor chainInput;
    private Tensor scale;
    private Tensor shift;
    private CompiledModel chainModel;

    private ResNetShape resnet;
    private CompiledModel resnetModel;
    private InferRequest resnetRequest;
    private Tensor image;

    @Setup(Level.Trial)
    public void setUp() {
        chainInput = Tensor.randomUniform(new SplittableRandom(1), -1, 1, 1, 64);
        scale = Tensor.of(new float[] {0.9f}, Shape.of(1, 1));
        shift = Tensor.of(new float[] {0.05f}, Shape.of(1, 1));
        GraphBuilder g = new GraphBuilder("chain");
        NodeOutput v = g.parameter("x", ElementType.F32, PartialShape.of(1, 64)).output(0);
        NodeOutput s = g.constant("scale", new long[] {1, 1}, 0.9f).output(0);
        NodeOutput b = g.constant("shift", new long[] {1, 1}, 0.05f).output(0);
        for (int i = 0; i < CHAIN; i++) {
            v = switch (i % 4) {
                case 0 -> g.op("Multiply", 1, "mul" + i, Attributes.empty(), v, s).output(0);
                case 1 -> g.op("Add", 1, "add" + i, Attributes.empty(), v, b).output(0);
                case 2 -> g.op("Relu", 0, "relu" + i, Attributes.empty(), v).output(0);
                default -> g.op("Sigmoid", 0, "sigmoid" + i, Attributes.empty(), v).output(0);
            };
        }
        g.result("y", v);
        Core core = new Core();
        chainModel = core.compileModel(Model.of(g.build()), "CPU");
        chainRequest = chainModel.createInferRequest();
        chainRequest.setInputTensor(chainInput);

        resnet = new ResNetShape(7);
        resnetModel = core.compileModel(Model.of(resnet.graph()), "CPU");
        resnetRequest = resnetModel.createInferRequest();
        image = Tensor.randomUniform(new SplittableRandom(2), 0, 1, ResNetShape.INPUT);
        resnetRequest.setInputTensor(OvTensor.of(image));
        // Both sides must compute the same thing for the comparison to mean anything.
        resnetRequest.infer();
        if (!Tensor.allClose(resnetRequest.getOutputTensor().tensor(), resnet.eager(image), 1e-3, 1e-7)) {
            throw new IllegalStateException("the engine and the eager network disagree");
        }
        chainRequest.infer();
        if (!Tensor.allClose(chainRequest.getOutputTensor().tensor(), chainEager(), 1e-5, 1e-7)) {
            throw new IllegalStateException("the engine and the eager chain disagree");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        chainModel.close();
        resnetModel.close();
    }

    @Benchmark
    public OvTensor chainEngine() {
        chainRequest.infer();
        return chainRequest.getOutputTensor();
    }

    @Benchmark
    public Tensor chainEager() {
        Tensor v = chainInput;
        for (int i = 0; i < CHAIN; i++) {
            v = switch (i % 4) {
                case 0 -> v.mul(scale);
                case 1 -> v.add(shift);
                case 2 -> v.relu();
                default -> v.sigmoid();
            };
        }
        return v;
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public OvTensor resnetEngine() {
        resnetRequest.infer();
        return resnetRequest.getOutputTensor();
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public Tensor resnetEager() {
        return resnet.eager(image);
    }
}
