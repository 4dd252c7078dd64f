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
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One benchmark network ({@code scripts/bench/make_onnx_models.py}) ready to infer on one runtime: {@code adjoint}
 * converts the ONNX file with our frontend and the model optimizer's passes (FP32 weights) and runs it on our engine;
 * {@code ort} runs the original file on ONNX Runtime with {@code intra_op_num_threads} equal to our kernel threads
 * ({@code -Dadjoint.cpu.threads}) and one inter-op thread. The input is the same seeded tensor for both. The models'
 * directory is {@code -Dadjoint.bench.onnxDir} (default {@code benchmarks/target/onnx-models}).
 */
final class BenchmarkNetwork implements AutoCloseable {
    private CompiledModel compiled;
    private InferRequest request;
    private OrtSession session;
    private OnnxTensor ortInput;
    private String inputName;

    private BenchmarkNetwork() {
    }

    /** Loads {@code model} at {@code batch} on {@code runtime} ("adjoint" or "ort"). */
    static BenchmarkNetwork load(String model, int batch, String runtime) throws IOException, OrtException {
        Path file = Path.of(System.getProperty("adjoint.bench.onnxDir", "benchmarks/target/onnx-models"))
                .resolve(model + ".onnx");
        if (!Files.exists(file)) {
            throw new IllegalStateException(file + " is missing: run python3 scripts/bench/make_onnx_models.py "
                    + file.getParent());
        }
        int[] dims = model.equals("mlp") ? new int[] {batch, 256} : new int[] {batch, 3, 224, 224};
        Tensor input = Tensor.randomUniform(new SplittableRandom(1), -1, 1, dims);
        BenchmarkNetwork network = new BenchmarkNetwork();
        switch (runtime) {
            case "adjoint" -> {
                IrModel ir = new OnnxFrontend().read(file);
                IrModel optimized = ModelOptimizer.convert(ir, ConvertOptions.defaults().withCompressToFp16(false))
                        .model();
                network.compiled = new Core().compileModel(Model.of(optimized), "CPU");
                network.request = network.compiled.createInferRequest();
                network.request.setInputTensor(OvTensor.of(input));
            }
            case "ort" -> {
                OrtEnvironment environment = OrtEnvironment.getEnvironment();
                OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                options.setIntraOpNumThreads(
                        Integer.getInteger("adjoint.cpu.threads", Runtime.getRuntime().availableProcessors()));
                options.setInterOpNumThreads(1);
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                network.session = environment.createSession(file.toString(), options);
                network.inputName = network.session.getInputNames().iterator().next();
                long[] shape = Arrays.stream(dims).asLongStream().toArray();
                network.ortInput = OnnxTensor.createTensor(environment, FloatBuffer.wrap(input.toFloatArray()),
                        shape);
            }
            default -> throw new IllegalArgumentException("runtime " + runtime + ": expected adjoint or ort");
        }
        return network;
    }

    /** One inference; returns something of the output, so that no work can be skipped. */
    Object infer() throws OrtException {
        if (request != null) {
            request.infer();
            return request.getOutputTensor();
        }
        try (OrtSession.Result result = session.run(Map.of(inputName, ortInput))) {
            return ((OnnxTensor) result.get(0)).getFloatBuffer().get(0);
        }
    }

    @Override
    public void close() throws OrtException {
        if (compiled != null) {
            compiled.close();
        }
        if (session != null) {
            ortInput.close();
            session.close();
        }
    }
}
