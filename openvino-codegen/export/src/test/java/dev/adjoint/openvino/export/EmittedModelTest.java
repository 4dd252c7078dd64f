package dev.adjoint.openvino.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.Tensor;
import dev.adjoint.Variable;
import dev.adjoint.openvino.engine.CompiledModel;
import dev.adjoint.openvino.engine.Core;
import dev.adjoint.openvino.engine.InferRequest;
import dev.adjoint.openvino.engine.Model;
import dev.adjoint.openvino.engine.OvTensor;
import dev.adjoint.openvino.ir.IrModel;
import dev.adjoint.openvino.optimizer.ConvertOptions;
import dev.adjoint.openvino.optimizer.ModelOptimizer;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A model built the way Adjoint's generated emitters build one ({@link IrGraph}: parameters, variables as constants,
 * one IR op per primitive), through the same pipeline as ONNX-converted models; compared with the eager
 * {@code Tensor} computation it was emitted from.
 */
class EmittedModelTest {

    @Test
    void mlpEmittedByAdjointIsOptimizedAndStillComputesTheSame() {
        SplittableRandom rng = new SplittableRandom(9);
        Variable w1 = new Variable(Tensor.randomUniform(rng, -0.5, 0.5, 5, 8), "w1");
        Variable b1 = new Variable(Tensor.randomUniform(rng, -0.5, 0.5, 8), "b1");
        Variable w2 = new Variable(Tensor.randomUniform(rng, -0.5, 0.5, 8, 3), "w2");
        // What an exported method's body does: layers, then a standardisation written as plain arithmetic.
        IrGraph g = new IrGraph("Mlp.predict");
        IrTensor x = g.parameter("x", InputSpec.f32(4, 5).withDynamicBatch());
        IrTensor h = x.matmul(g.variable(w1)).add(g.variable(b1)).relu();
        IrTensor y = h.matmul(g.variable(w2)).mul(0.5).add(1.0).mul(3.0);
        IrModel emitted = g.result("y", y).model();

        ModelOptimizer.Conversion c = ModelOptimizer.convert(emitted,
                ConvertOptions.defaults().withInputs("x[4,5]"));
        IrModel optimized = c.model();
        assertTrue(ModelOptimizer.ops(optimized) < ModelOptimizer.ops(emitted), c.summary().toString());
        assertEquals(List.of("MatMul", "Add", "Relu", "MatMul", "Add"), opTypes(optimized),
                c.summary().toString());

        Tensor in = Tensor.randomUniform(new SplittableRandom(10), -1, 1, 4, 5);
        Tensor eager = in.matmul(w1.value()).add(b1.value()).relu().matmul(w2.value()).mul(0.5).add(1.0).mul(3.0);
        float[] got = run(optimized, in);
        assertClose(eager.toFloatArray(), got);
        assertClose(run(emitted, in), got);
    }

    private static List<String> opTypes(IrModel m) {
        return m.nodes().stream().filter(n -> !n.is("Parameter") && !n.is("Constant") && !n.is("Result"))
                .map(n -> n.type().name()).toList();
    }

    private static float[] run(IrModel model, Tensor input) {
        try (CompiledModel compiled = new Core().compileModel(Model.of(model), "CPU")) {
            InferRequest request = compiled.createInferRequest();
            request.setInputTensor(OvTensor.of(input));
            request.infer();
            return request.getOutputTensor().tensor().toFloatArray();
        }
    }

    /** Within 1e-5 relative and 1e-6 absolute: the fusions round their folded weights once more. */
    private static void assertClose(float[] want, float[] got) {
        assertEquals(want.length, got.length, "element count");
        for (int i = 0; i < want.length; i++) {
            assertTrue(Math.abs(want[i] - got[i]) <= 1e-5 * Math.abs(want[i]) + 1e-6,
                    "element " + i + ": want " + want[i] + ", got " + got[i]);
        }
    }
}
