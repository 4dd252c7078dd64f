package dev.adjoint.openvino.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OrtException;
import dev.adjoint.openvino.engine.OvTensor;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.openvino.onnx.proto.OnnxProto.ModelProto;
import dev.adjoint.openvino.onnx.proto.OnnxProto.TensorProto;
import dev.adjoint.openvino.onnx.proto.OnnxProto.ValueInfoProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our converted IR on our engine against ONNX Runtime on the original ONNX file, for seeded random float inputs
 * (integer inputs — indices, shapes — keep the case's own values), on every conformance case that converts.
 */
class OrtCrossCheckTest {
    private static final Pattern OLD_KERNEL = Pattern.compile("Could not find an implementation for \\w+\\((\\d+)\\)");

    static Stream<Arguments> cases() throws IOException {
        List<Path> cases = Conformance.cases();
        if (cases.isEmpty()) {
            return Stream.of(Arguments.of("(shared fixtures absent)", null));
        }
        return cases.stream().filter(c -> !OnnxConformanceTest.REFUSED.containsKey(Conformance.name(c)))
                .map(c -> Arguments.of(Conformance.name(c), c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void conformanceModelMatchesOnnxRuntime(String name, Path testCase, @TempDir Path tmp) throws Exception {
        assumeTrue(testCase != null, "shared/fixtures/onnx-conformance is not available");
        Path model = testCase.resolve("model.onnx");
        List<OnnxTensors.Value> given = Conformance.tensors(testCase, "input");
        List<String> names = inputNames(model);
        assertEquals(names.size(), given.size(), "input count");
        List<OnnxTensors.Value> inputs = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(name.hashCode());
        for (OnnxTensors.Value v : given) {
            inputs.add(v.type() == ElementType.F32 ? randomLike(v, random) : v);
        }
        crossCheck(name, model, names, inputs, tmp, Conformance.Tolerance.FP32, false);
    }

    /** Runs both and compares every output; skips (naming ORT's message) where ORT cannot load the old model. */
    static void crossCheck(String name, Path model, List<String> names, List<OnnxTensors.Value> inputs, Path tmp,
            Conformance.Tolerance tolerance, boolean atolRelativeToLargest) throws IOException, OrtException {
        Map<String, OnnxTensors.Value> feeds = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            feeds.put(names.get(i), inputs.get(i));
        }
        List<OnnxTensors.Value> reference;
        try {
            reference = Ort.run(model, feeds);
        } catch (OrtException e) {
            // ORT has dropped the kernels of opsets before 7 (Add-6, BatchNormalization-6, ...): only that skips.
            Matcher m = OLD_KERNEL.matcher(String.valueOf(e.getMessage()));
            assumeTrue(!m.find() || Integer.parseInt(m.group(1)) >= 7, "ONNX Runtime has no kernel for " + name
                    + ": " + e.getMessage());
            throw e;
        }
        IrModel ir = new OnnxFrontend().read(model);
        List<OvTensor> ours = Conformance.runOnEngine(ir, false,
                inputs.stream().map(Conformance::ovTensor).toList(), tmp);
        assertEquals(reference.size(), ours.size(), "output count");
        for (int i = 0; i < reference.size(); i++) {
            OnnxTensors.Value e = reference.get(i);
            double[] expected = Conformance.values(e);
            Conformance.Tolerance tol = tolerance;
            if (atolRelativeToLargest) {
                double largest = 0;
                for (double v : expected) {
                    largest = Double.isFinite(v) ? Math.max(largest, Math.abs(v)) : largest;
                }
                tol = new Conformance.Tolerance(tolerance.rtol(), tolerance.atol() * Math.max(1, largest));
            }
            Conformance.assertClose(name + " output " + i + " vs ONNX Runtime", e.dims(), expected,
                    ours.get(i).dims(), Conformance.values(ours.get(i)), tol);
        }
    }

    /** The graph's inputs that are not initializers, in order. */
    static List<String> inputNames(Path model) throws IOException {
        ModelProto m = ModelProto.parseFrom(Files.readAllBytes(model));
        Set<String> inits = m.getGraph().getInitializerList().stream().map(TensorProto::getName)
                .collect(Collectors.toSet());
        return m.getGraph().getInputList().stream().map(ValueInfoProto::getName).filter(n -> !inits.contains(n))
                .toList();
    }

    /** Standard normal float32 values of {@code like}'s shape. */
    static OnnxTensors.Value randomLike(OnnxTensors.Value like, SplittableRandom random) {
        return randomF32(like.name(), like.dims(), random);
    }

    static OnnxTensors.Value randomF32(String name, long[] dims, SplittableRandom random) {
        long count = 1;
        for (long d : dims) {
            count *= d;
        }
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(4 * count)).order(ByteOrder.LITTLE_ENDIAN);
        for (long i = 0; i < count; i++) {
            b.putFloat((float) random.nextGaussian());
        }
        return new OnnxTensors.Value(name, ElementType.F32, dims, b.flip());
    }
}
