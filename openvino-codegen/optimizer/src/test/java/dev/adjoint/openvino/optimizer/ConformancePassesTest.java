package dev.adjoint.openvino.optimizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.adjoint.openvino.engine.OvTensor;
import dev.adjoint.openvino.ir.ConstantValues;
import dev.adjoint.openvino.ir.ElementType;
import dev.adjoint.openvino.ir.IrFormatException;
import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.openvino.ir.Node;
import dev.adjoint.openvino.onnx.OnnxTensors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ONNX conformance cases of {@code ../shared/fixtures/onnx-conformance} through the optimizer: for every case the
 * ONNX frontend converts, and for every pass, the model with only that pass and the whole pipeline without it must
 * reproduce the case's {@code output_*.pb} from its {@code input_*.pb}, within the onnx backend tests' float32
 * tolerance (rtol 1e-3, atol 1e-5). Cases the frontend refuses are skipped here (the onnx module's conformance test
 * checks their refusal); the suite skips cleanly without {@code ../shared}. The model is found through
 * {@link ModelOptimizer#read}, i.e. the frontend's ServiceLoader entry, as {@code convert} finds it.
 */
class ConformancePassesTest {
    private static final double RTOL = 1e-3;
    private static final double ATOL = 1e-5;

    static Path root() {
        for (Path p = Paths.get("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared/fixtures/onnx-conformance");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    static Stream<Arguments> cases() throws IOException {
        Path root = root();
        if (root == null) {
            return Stream.of(Arguments.of("(shared fixtures absent)", null));
        }
        List<Arguments> out = new ArrayList<>();
        for (String group : new String[] {"pytorch-converted", "pytorch-operator", "simple"}) {
            Path dir = root.resolve(group);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> Files.exists(p.resolve("model.onnx"))).sorted()
                        .forEach(p -> out.add(Arguments.of(group + "/" + p.getFileName(), p)));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyPassPreservesTheCaseOutputs(String name, Path testCase) throws IOException {
        assumeTrue(testCase != null, "shared/fixtures/onnx-conformance is not available");
        IrModel model;
        try {
            model = ModelOptimizer.read(testCase.resolve("model.onnx"));
        } catch (IrFormatException e) {
            assumeTrue(false, "refused by the ONNX frontend: " + e.getMessage());
            return;
        }
        List<OnnxTensors.Value> inputs = tensors(testCase, "input");
        List<OnnxTensors.Value> expected = tensors(testCase, "output");
        Map<String, OvTensor> byName = new LinkedHashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            OnnxTensors.Value v = inputs.get(i);
            byName.put(model.parameters().get(i).name(), OvTensor.fromBytes(v.type(),
                    Arrays.stream(v.dims()).mapToInt(Math::toIntExact).toArray(), v.data().duplicate()));
        }
        check(name + " unoptimized", model, byName, expected);
        for (Pass p : ModelOptimizer.pipeline(ConvertOptions.defaults())) {
            check(name + " with only " + p.name(), p.apply(model).model(), byName, expected);
            check(name + " without " + p.name(),
                    ModelOptimizer.convert(model, ConvertOptions.defaults().withoutPasses(p.name())).model(),
                    byName, expected);
        }
    }

    private static void check(String what, IrModel m, Map<String, OvTensor> inputs,
            List<OnnxTensors.Value> expected) {
        List<OvTensor> feed = new ArrayList<>();
        for (Node p : m.parameters()) {
            feed.add(inputs.get(p.name()));
        }
        List<OvTensor> actual = Support.run(m, feed);
        assertEquals(expected.size(), actual.size(), what + ": output count");
        for (int k = 0; k < expected.size(); k++) {
            OnnxTensors.Value e = expected.get(k);
            OvTensor a = actual.get(k);
            assertArrayEquals(e.dims(), Arrays.stream(a.dims()).asLongStream().toArray(), what + ": output " + k
                    + " shape");
            double[] want = ConstantValues.toDoubles(e.type(), e.data().duplicate(), Math.toIntExact(e.count()));
            double[] got = values(a);
            for (int i = 0; i < want.length; i++) {
                boolean nan = Double.isNaN(want[i]) || Double.isNaN(got[i]);
                if (nan ? Double.isNaN(want[i]) != Double.isNaN(got[i])
                        : want[i] != got[i] && Math.abs(got[i] - want[i]) > ATOL + RTOL * Math.abs(want[i])) {
                    fail(what + ": output " + k + " element " + i + " is " + got[i] + ", expected " + want[i]);
                }
            }
        }
    }

    private static double[] values(OvTensor t) {
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

    private static List<OnnxTensors.Value> tensors(Path testCase, String prefix) throws IOException {
        Path dir = testCase.resolve("test_data_set_0");
        List<OnnxTensors.Value> out = new ArrayList<>();
        for (int i = 0; Files.exists(dir.resolve(prefix + "_" + i + ".pb")); i++) {
            out.add(OnnxTensors.readFile(dir.resolve(prefix + "_" + i + ".pb")));
        }
        return out;
    }
}
