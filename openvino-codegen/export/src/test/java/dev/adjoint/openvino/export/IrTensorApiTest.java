package dev.adjoint.openvino.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.Tensor;
import dev.adjoint.core.DType;
import dev.adjoint.core.Shape;
import dev.adjoint.openvino.engine.Core;
import dev.adjoint.openvino.engine.InferRequest;
import dev.adjoint.openvino.engine.Model;
import dev.adjoint.openvino.ir.IrReader;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IrTensor's composite methods (those that are several ops, as in Tensor) through IR and the engine against the
 * eager Tensor methods, and its API against Tensor's: every public IrTensor method has a Tensor method of the same
 * name, so that generated emitters read like their source.
 */
class IrTensorApiTest {
    @TempDir
    Path dir;

    private final SplittableRandom rng = new SplittableRandom(5);

    private Tensor run(Tensor x, Tensor y, BiFunction<IrTensor, IrTensor, IrTensor> f, String name) throws Exception {
        IrGraph g = new IrGraph(name);
        IrTensor a = g.parameter("a", InputSpec.like(x));
        IrTensor b = g.parameter("b", InputSpec.like(y));
        Path xml = g.result("out", f.apply(a, b)).save(dir, name);
        try (var compiled = new Core().compileModel(Model.of(IrReader.read(xml).model()), "CPU")) {
            InferRequest request = compiled.createInferRequest();
            request.setInputTensor(0, x);
            request.setInputTensor(1, y);
            request.infer();
            return request.getOutputTensor().tensor();
        }
    }

    private void check(Tensor x, Tensor y, BiFunction<IrTensor, IrTensor, IrTensor> ir, BiFunction<Tensor, Tensor, Tensor> eager,
            String name) throws Exception {
        OpRoundTripTest.compare(name, eager.apply(x, y), run(x, y, ir, name));
    }

    private void check(Tensor x, Function<IrTensor, IrTensor> ir, Function<Tensor, Tensor> eager, String name)
            throws Exception {
        check(x, x, (a, b) -> ir.apply(a), (a, b) -> eager.apply(a), name);
    }

    @Test
    void compositesEqualEager() throws Exception {
        Tensor m = Tensor.randomUniform(rng, -1, 1, 3, 4);
        Tensor v = Tensor.randomUniform(rng, -1, 1, 4);
        check(m, v, IrTensor::dot, Tensor::dot, "dot");
        check(v, v, IrTensor::dot, Tensor::dot, "dotVectors");
        check(m, v, IrTensor::outer, Tensor::outer, "outer");
        Tensor labels = Tensor.of(new long[] {2, 0, 1, 2}, Shape.of(4));
        check(labels, t -> t.oneHot(3), t -> t.oneHot(3), "oneHot");
        check(m, t -> t.clip(-0.5, 0.25), t -> t.clip(-0.5, 0.25), "clip");
        check(m, IrTensor::transpose, Tensor::transpose, "transpose");
        check(m, t -> t.expandDims(1).squeeze(), t -> t.expandDims(1).squeeze(), "expandDims-squeeze");
        check(m, t -> IrTensor.stack(0, t, t.neg()), t -> Tensor.stack(0, t, t.neg()), "stack");
        check(m, t -> t.argmin(1, true), t -> t.argmin(1, true), "argminKeep");
        check(m, t -> t.prod(new int[] {0}, true), t -> t.prod(new int[] {0}, true), "prodKeep");
        check(m, t -> IrTensor.where(t.gt(0.0), t, 0.0), t -> Tensor.where(t.gt(0.0), t, 0.0), "whereScalar");
        check(m, t -> t.cast(DType.FLOAT64).mul(2L), t -> t.cast(DType.FLOAT64).mul(2L), "weak long scalar");
        check(m, t -> t.layerNorm(1, 1e-5), t -> t.layerNorm(1, 1e-5), "layerNorm");
        check(m, v, (a, b) -> a.layerNorm(1, 1e-5, b, b.mul(-0.5)), (a, b) -> a.layerNorm(1, 1e-5, b, b.mul(-0.5)),
                "layerNormScaled");
    }

    @Test
    void everyIrTensorMethodIsATensorMethod() {
        for (Method method : IrTensor.class.getDeclaredMethods()) {
            if (!java.lang.reflect.Modifier.isPublic(method.getModifiers())) {
                continue;
            }
            String name = method.getName();
            if (name.equals("graph") || name.equals("output") || name.equals("partialShape") || name.equals("select")) {
                continue; // the symbolic side: which graph, which IR value, the IR shape, the emitter's merge
            }
            boolean found = false;
            for (Method tensor : Tensor.class.getMethods()) {
                found |= tensor.getName().equals(name) && tensor.getParameterCount() == method.getParameterCount();
            }
            assertEquals(true, found, "IrTensor." + name + " with " + method.getParameterCount()
                    + " parameter(s) has no Tensor counterpart");
        }
    }
}
