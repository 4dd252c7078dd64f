package dev.adjoint.openvino.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.adjoint.openvino.engine.CompiledModel;
import dev.adjoint.openvino.engine.Core;
import dev.adjoint.openvino.engine.InferRequest;
import dev.adjoint.openvino.engine.OvTensor;
import dev.adjoint.openvino.ir.ConstantValues;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.openvino.ir.IrWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The shared ONNX conformance cases, and running a converted model on the engine. */
final class Conformance {
    /** numpy.testing.assert_allclose's rule as the onnx backend tests use it for float32. */
    record Tolerance(double rtol, double atol) {
        static final Tolerance FP32 = new Tolerance(1e-3, 1e-5);
    }

    private Conformance() {
    }

    /** {@code shared/fixtures/onnx-conformance} above the working directory, or null. */
    static Path root() {
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared/fixtures/onnx-conformance");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** Every case folder ({@code <group>/test_<name>}), sorted. */
    static List<Path> cases() throws IOException {
        Path root = root();
        if (root == null) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        for (String group : new String[] {"pytorch-converted", "pytorch-operator", "simple"}) {
            Path dir = root.resolve(group);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.list(dir)) {
                    s.filter(p -> Files.exists(p.resolve("model.onnx"))).sorted().forEach(out::add);
                }
            }
        }
        return out;
    }

    static String name(Path testCase) {
        return testCase.getParent().getFileName() + "/" + testCase.getFileName();
    }

    /** The {@code input_<i>.pb} or {@code output_<i>.pb} tensors of data set 0, in index order. */
    static List<OnnxTensors.Value> tensors(Path testCase, String prefix) throws IOException {
        Path dir = testCase.resolve("test_data_set_0");
        List<OnnxTensors.Value> out = new ArrayList<>();
        for (int i = 0; Files.exists(dir.resolve(prefix + "_" + i + ".pb")); i++) {
            out.add(OnnxTensors.readFile(dir.resolve(prefix + "_" + i + ".pb")));
        }
        return out;
    }

    static OvTensor ovTensor(OnnxTensors.Value v) {
        int[] shape = Arrays.stream(v.dims()).mapToInt(Math::toIntExact).toArray();
        return OvTensor.fromBytes(v.type(), shape, v.data().duplicate());
    }

    static double[] values(OnnxTensors.Value v) {
        return ConstantValues.toDoubles(v.type(), v.data().duplicate(), Math.toIntExact(v.count()));
    }

    /** Writes {@code model} as IR (FP16-compressed or not), reads it back and runs it on the CPU engine. */
    static List<OvTensor> runOnEngine(IrModel model, boolean fp16, List<OvTensor> inputs, Path dir)
            throws IOException {
        Path xml = dir.resolve("model.xml");
        IrWriter.write(model, xml, fp16 ? IrWriter.Options.fp16() : IrWriter.Options.defaults());
        Core core = new Core();
        try (CompiledModel compiled = core.compileModel(core.readModel(xml), "CPU", Map.of())) {
            InferRequest request = compiled.createInferRequest();
            for (int i = 0; i < inputs.size(); i++) {
                request.setInputTensor(i, inputs.get(i));
            }
            request.infer();
            return request.getOutputTensors();
        }
    }

    static double[] values(OvTensor t) {
        if (t.elementType() == ElementType.BOOLEAN) {
            boolean[] b = t.toBooleanArray();
            double[] d = new double[b.length];
            for (int i = 0; i < b.length; i++) {
                d[i] = b[i] ? 1 : 0;
            }
            return d;
        }
        return t.toDoubleArray();
    }

    /** Fails naming the first element outside {@code |actual - expected| <= atol + rtol * |expected|}. */
    static void assertClose(String what, long[] expectedDims, double[] expected, int[] actualDims, double[] actual,
            Tolerance tol) {
        assertArrayEquals(expectedDims, Arrays.stream(actualDims).asLongStream().toArray(), what + ": shape");
        int bad = -1;
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            if (Double.isNaN(e) || Double.isNaN(a)) {
                if (Double.isNaN(e) != Double.isNaN(a)) {
                    fail(what + ": element " + i + " is " + a + ", expected " + e);
                }
                continue;
            }
            if (e == a) {
                continue;
            }
            double excess = Math.abs(a - e) - (tol.atol() + tol.rtol() * Math.abs(e));
            if (excess > 0 && (bad < 0 || excess > worst)) {
                bad = i;
                worst = excess;
            }
        }
        if (bad >= 0) {
            double maxDiff = 0;
            double maxAbs = 0;
            for (int i = 0; i < expected.length; i++) {
                if (!Double.isNaN(expected[i]) && !Double.isNaN(actual[i])) {
                    maxDiff = Math.max(maxDiff, Math.abs(actual[i] - expected[i]));
                    maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
                }
            }
            fail(what + ": element " + bad + " is " + actual[bad] + ", expected " + expected[bad] + " (rtol "
                    + tol.rtol() + ", atol " + tol.atol() + "; largest difference " + maxDiff + ", largest |expected| "
                    + maxAbs + ")");
        }
    }
}
