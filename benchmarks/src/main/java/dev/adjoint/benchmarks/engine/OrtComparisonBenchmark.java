package dev.adjoint.benchmarks.engine;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.adjoint.Tensor;
import dev.adjoint.openvino.engine.CompiledModel;
import dev.adjoint.openvino.engine.Core;
import dev.adjoint.openvino.engine.InferRequest;
import dev.adjoint.openvino.engine.Model;
import dev.adjoint.openvino.engine.OvTensor;
import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.openvino.onnx.OnnxFrontend;
import dev.adjoint.openvino.optimizer.ConvertOptions;
import dev.adjoint.openvino.optimizer.ModelOptimizer;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Inference latency of the benchmark networks ({@code scripts/bench/make_onnx_models.py}: ResNet-18- and
 * MobileNet-v2-shaped classifiers at 3x224x224, a transformer-style MLP at 256 features) side by side in one JVM:
 * {@code adjoint} converts the ONNX file with our frontend and the model optimizer's passes (FP32 weights) and runs
 * it on our engine; {@code ort} runs the original ONNX file on ONNX Runtime with {@code intra_op_num_threads} equal
 * to our kernel threads ({@code -Dadjoint.cpu.threads}, which {@code scripts/bench/ort.sh} sets to 1 and 2). The
 * models' directory is {@code -Dadjoint.bench.onnxDir}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"--add-modules=jdk.incubator.vector", "-Xms2g", "-Xmx2g"})
public class OrtComparisonBenchmark {

    @Param({"resnet18", "mobilenet_v2", "mlp"})
    public String model;

    @Param({"1", "8"})
    public int batch;

    @Param({"adjoint", "ort"})
    public String runtime;

    private CompiledModel compiled;
    private InferRequest request;
    private OrtEnvironment environment;
    private OrtSession session;
    private OnnxTensor ortInput;
    private String inputName;

    @Setup(Level.Trial)
    public void setUp() throws IOException, OrtException {
        Path file = Path.of(System.getProperty("adjoint.bench.onnxDir", "benchmarks/target/onnx-models"))
                .resolve(model + ".onnx");
        if (!Files.exists(file)) {
            throw new IllegalStateException(file + " is missing: run python3 scripts/bench/make_onnx_models.py "
                    + file.getParent());
        }
        int[] dims = model.equals("mlp") ? new int[] {batch, 256} : new int[] {batch, 3, 224, 224};
        Tensor input = Tensor.randomUniform(new SplittableRandom(1), -1, 1, dims);
        int threads = Integer.getInteger("adjoint.cpu.threads", Runtime.getRuntime().availableProcessors());
        if (runtime.equals("adjoint")) {
            IrModel ir = new OnnxFrontend().read(file);
            IrModel optimized = ModelOptimizer.convert(ir, ConvertOptions.defaults().withCompressToFp16(false)).model();
            compiled = new Core().compileModel(Model.of(optimized), "CPU");
            request = compiled.createInferRequest();
            request.setInputTensor(OvTensor.of(input));
        } else {
            environment = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = environment.createSession(file.toString(), options);
            inputName = session.getInputNames().iterator().next();
            long[] shape = java.util.Arrays.stream(dims).asLongStream().toArray();
            ortInput = OnnxTensor.createTensor(environment, FloatBuffer.wrap(input.toFloatArray()), shape);
        }
    }

    @Benchmark
    public Object infer() throws OrtException {
        if (request != null) {
            request.infer();
            return request.getOutputTensor();
        }
        try (OrtSession.Result result = session.run(Map.of(inputName, ortInput))) {
            return ((OnnxTensor) result.get(0)).getFloatBuffer().get(0);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        if (compiled != null) {
            compiled.close();
        }
        if (session != null) {
            ortInput.close();
            session.close();
        }
    }
}
