package dev.adjoint.openvino.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.adjoint.openvino.engine.OvTensor;
import dev.adjoint.openvino.ir.IrFormatException;
import dev.adjoint.openvino.ir.IrModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of {@code shared/fixtures/onnx-conformance}: convert with {@link OnnxFrontend} → write IR → read it back
 * → run on the engine with the case's {@code input_*.pb} → compare with its {@code output_*.pb}; with and without
 * FP16 compression of the weights. A case listed in {@link #REFUSED} must fail to convert with one
 * {@link IrFormatException} whose message holds the given text; every other case must pass.
 */
class OnnxConformanceTest {
    /**
     * FP16-compressed weights are rounded to 11 significant bits (relative error up to 2^-11 = 4.9e-4 each); a
     * convolution or Gemm sums up to a few hundred such products, with cancellation, so outputs move by up to a
     * few 1e-3 relative to their own scale. rtol 1e-2, atol 1e-3 covers that with margin and still catches a wrong
     * graph (whose errors are O(1)).
     */
    static final Conformance.Tolerance FP16 = new Conformance.Tolerance(1e-2, 1e-3);

    /** Cases refused on principle, with the text their error must hold. */
    static final Map<String, String> REFUSED = new TreeMap<>();

    static {
        for (int i = 1; i <= 8; i++) {
            REFUSED.put("simple/test_sequence_model" + i, "sequence");
        }
        for (String s : new String[] {"monday_casesensintive_lower", "monday_casesensintive_nochangecase",
            "monday_casesensintive_upper", "monday_empty_output", "monday_insensintive_upper_twodim",
            "nostopwords_nochangecase"}) {
            REFUSED.put("simple/test_strnorm_model_" + s, "STRING has no IR counterpart");
        }
        REFUSED.put("simple/test_gradient_of_add", "domain ai.onnx.preview.training is not supported");
        REFUSED.put("simple/test_gradient_of_add_and_mul", "domain ai.onnx.preview.training is not supported");
    }

    static Stream<Arguments> cases() throws IOException {
        List<Path> cases = Conformance.cases();
        if (cases.isEmpty()) {
            return Stream.of(Arguments.of("(shared fixtures absent)", null, false));
        }
        List<Arguments> out = new ArrayList<>();
        for (Path c : cases) {
            out.add(Arguments.of(Conformance.name(c), c, false));
            if (!REFUSED.containsKey(Conformance.name(c))) {
                out.add(Arguments.of(Conformance.name(c), c, true));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} fp16={2}")
    @MethodSource("cases")
    void conformance(String name, Path testCase, boolean fp16, @TempDir Path tmp) throws IOException {
        assumeTrue(testCase != null, "shared/fixtures/onnx-conformance is not available");
        Path model = testCase.resolve("model.onnx");
        String refusal = REFUSED.get(name);
        if (refusal != null) {
            IrFormatException e = assertThrows(IrFormatException.class, () -> new OnnxFrontend().read(model));
            assertTrue(e.getMessage().contains(refusal), () -> "refused for another reason: " + e.getMessage());
            assertTrue(e.getMessage().startsWith("model.onnx: "), e.getMessage());
            return;
        }
        IrModel ir = new OnnxFrontend().read(model);
        List<OvTensor> inputs = Conformance.tensors(testCase, "input").stream().map(Conformance::ovTensor).toList();
        List<OnnxTensors.Value> expected = Conformance.tensors(testCase, "output");
        List<OvTensor> actual = Conformance.runOnEngine(ir, fp16, inputs, tmp);
        assertEquals(expected.size(), actual.size(), "output count");
        for (int i = 0; i < expected.size(); i++) {
            OnnxTensors.Value e = expected.get(i);
            Conformance.assertClose(name + " output " + i, e.dims(), Conformance.values(e), actual.get(i).dims(),
                    Conformance.values(actual.get(i)), fp16 ? FP16 : Conformance.Tolerance.FP32);
        }
    }
}
