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
