package dev.adjoint.openvino.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Tensor;
import dev.adjoint.core.TensorException;
import dev.adjoint.openvino.engine.Core;
import dev.adjoint.openvino.engine.InferRequest;
import dev.adjoint.openvino.engine.Model;
import dev.adjoint.openvino.ir.IrReader;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A graph with a dynamic batch dimension runs for any batch and equals the eager computation. */
class DynamicBatchTest {
    @TempDir
    Path dir;

    private final SplittableRandom rng = new SplittableRandom(11);

    @Test
    void smallCnnWithDynamicBatchEqualsEagerForSeveralBatchSizes() throws Exception {
        Tensor w = Tensor.randomNormal(rng, 0, 0.5, 4, 1, 3, 3);
        Tensor dense = Tensor.randomNormal(rng, 0, 0.5, 4 * 3 * 3, 5);
        IrGraph g = new IrGraph("cnn");
        IrTensor x = g.parameter("x", InputSpec.f32(-1, 1, 8, 8));
        IrTensor h = x.conv2d(g.constant(w), 1, 1).relu().maxPool2d(2).avgPool2d(2, 1, 0);
        IrTensor logits = h.reshape(-1, 4 * 3 * 3).matmul(g.constant(dense)).logSoftmax(-1);
        assertEquals("[?,5]", logits.partialShape().toString());
        Path xml = g.result("logits", logits).save(dir, "cnn");
        Model model = Model.of(IrReader.read(xml).model());
        try (var compiled = new Core().compileModel(model, "CPU")) {
            for (int batch : new int[] {1, 3, 7}) {
                Tensor input = Tensor.randomUniform(rng, -1, 1, batch, 1, 8, 8);
                Tensor eager = input.conv2d(w, 1, 1).relu().maxPool2d(2).avgPool2d(2, 1, 0).reshape(-1, 36)
                        .matmul(dense).logSoftmax(-1);
                InferRequest request = compiled.createInferRequest();
                request.setInputTensor(input);
                request.infer();
                OpRoundTripTest.compare("batch " + batch, eager, request.getOutputTensor().tensor());
            }
        }
    }

    @Test
    void theLengthOfADynamicDimensionIsAnExportError() {
        IrGraph g = new IrGraph("m");
        IrTensor x = g.parameter("x", InputSpec.f32(-1, 4));
        assertEquals(4, x.dim(1));
        ExportException e = assertThrows(ExportException.class, () -> x.dim(0));
        assertTrue(e.getMessage().startsWith("dimension 0 of x (shape [?,4]) is dynamic"), e.getMessage());
        assertTrue(e.getMessage().contains("reshape(-1, n)"), e.getMessage());
    }

    @Test
    void reshapeThatFixesTheDynamicDimensionIsRefused() {
        IrGraph g = new IrGraph("m");
        IrTensor x = g.parameter("x", InputSpec.f32(-1, 2, 3));
        assertEquals("[?,6]", x.reshape(-1, 6).partialShape().toString());
        assertEquals("[?,6]", x.reshape(IrGraph.PROBE, 6).partialShape().toString());
        ExportException e = assertThrows(ExportException.class, () -> x.reshape(1, 12));
        assertTrue(e.getMessage().contains("fixes the dynamic dimension: use -1 for it"), e.getMessage());
        // squeeze keeps a dynamic dimension (taken not to be 1).
        assertEquals("[?,3]", g.parameter("y", InputSpec.f32(-1, 1, 3)).squeeze().partialShape().toString());
    }

    @Test
    void namesFollowTheJavaParametersAndTheMethod() throws Exception {
        IrGraph g = new IrGraph("Mlp.predict");
        IrTensor x = g.parameter("x", InputSpec.f32(-1, 2));
        dev.adjoint.Variable w = new dev.adjoint.Variable(Tensor.randomNormal(rng, 0, 1, 2, 3), "w1");
        Path xml = g.result("predict", x.matmul(g.variable(w))).save(dir, "names");
        var model = IrReader.read(xml).model();
        assertEquals("Mlp.predict", model.name());
        assertEquals("x", model.parameters().getFirst().name());
        assertTrue(model.node("w1").isPresent(), "the Variable's Const is named after it");
        assertTrue(model.results().getFirst().input(0).names().contains("predict"));
        assertThrows(IllegalArgumentException.class, () -> g.parameter("x", InputSpec.f32(1)));
    }

    @Test
    void shapeErrorsHaveTheEagerMessage() {
        IrGraph g = new IrGraph("m");
        IrTensor x = g.parameter("x", InputSpec.f32(3, 4));
        IrTensor y = g.parameter("y", InputSpec.f32(5, 2));
        TensorException e = assertThrows(TensorException.class, () -> x.matmul(y));
        TensorException eager = assertThrows(TensorException.class,
                () -> Tensor.zeros(3, 4).matmul(Tensor.zeros(5, 2)));
        assertEquals(eager.getMessage(), e.getMessage());
    }

    @Test
    void scalarModelComputesInFloat32() throws Exception {
        IrGraph g = new IrGraph("linear");
        IrTensor x = g.scalarParameter("x");
        Path xml = g.result("y", g.scalar(-6.07).mul(x).add(84.9)).save(dir, "linear");
        try (var compiled = new Core().compileModel(Model.of(IrReader.read(xml).model()), "CPU")) {
            InferRequest request = compiled.createInferRequest();
            request.setInputTensor(Tensor.of(2.0f));
            request.infer();
            assertEquals(-6.07f * 2.0f + 84.9f, request.getOutputTensor().tensor().item(), 1e-5);
        }
    }
}
