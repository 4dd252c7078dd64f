package dev.adjoint.openvino.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.adjoint.openvino.ir.Dimension;
import dev.adjoint.openvino.ir.IrModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The benchmark networks of {@code scripts/bench/make_onnx_models.py} (a ResNet-18-shaped and a MobileNet-v2-shaped
 * classifier at 1x3x224x224, and a transformer-style MLP; seeded random weights): our converted IR on our engine
 * against ONNX Runtime on the ONNX file. The models are generated here, so the test skips where no Python with
 * numpy and onnx is found.
 */
class BenchmarkNetworksTest {
    @TempDir
    static Path models;
    private static String skipReason;

    @BeforeAll
    static void generate() throws IOException, InterruptedException {
        Path script = script();
        if (script == null) {
            skipReason = "scripts/bench/make_onnx_models.py not found";
            return;
        }
        for (String python : new String[] {"python3", "/usr/bin/python3"}) {
            Process p;
            try {
                p = new ProcessBuilder(python, script.toString(), models.toString()).redirectErrorStream(true).start();
            } catch (IOException e) {
                continue; // no such interpreter
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0) {
                skipReason = null;
                return;
            }
            skipReason = python + " could not generate the models (needs numpy and onnx): " + out.strip();
        }
        if (skipReason == null) {
            skipReason = "no python3 found";
        }
    }

    private static Path script() {
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path s = p.resolve("scripts/bench/make_onnx_models.py");
            if (Files.exists(s)) {
                return s;
            }
        }
        return null;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"resnet18, 1 3 224 224", "mobilenet_v2, 1 3 224 224", "mlp, 4 256"})
    void matchesOnnxRuntime(String network, String shape, @TempDir Path tmp) throws Exception {
        assumeTrue(skipReason == null, () -> skipReason);
        Path model = models.resolve(network + ".onnx");
        IrModel ir = new OnnxFrontend().read(model);
        // The batch dimension stays dynamic ("N" in the ONNX file).
        Dimension batch = ir.parameters().get(0).outputs().get(0).shape().get(0);
        assertEquals(Dimension.dynamic(), batch, "batch dimension");
        long[] dims = java.util.Arrays.stream(shape.split(" ")).mapToLong(Long::parseLong).toArray();
        OnnxTensors.Value input = OrtCrossCheckTest.randomF32("input", dims, new SplittableRandom(network.hashCode()));
        // rtol 1e-3 as everywhere; atol 1e-5 relative to the logits' scale rather than absolute: 50+ layers of
        // float32 sums in another order (ORT's MLAS vs our GEMM) move near-zero logits by ~1e-5 of the largest one.
        OrtCrossCheckTest.crossCheck(network, model, List.of("input"), List.of(input), tmp,
                Conformance.Tolerance.FP32, true);
    }
}
