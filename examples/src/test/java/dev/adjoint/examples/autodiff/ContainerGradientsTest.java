package dev.adjoint.examples.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.core.DType;
import dev.adjoint.Tensor;
import dev.adjoint.Variable;
import dev.adjoint.grad.GradCheck;
import dev.adjoint.grad.GradientAndVariable;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Variables reached through arrays, Lists and layer objects each get their own gradient, checked
 * against float64 central differences (issue 6, items 1 and 2).
 */
class ContainerGradientsTest {

    private static final double TOLERANCE = 1e-6;

    private final Containers model = new Containers(new SplittableRandom(7));
    private final Tensor x = Tensor.randomNormal(new SplittableRandom(3), 0, 1, 3, 2).cast(DType.FLOAT64);

    private record Case(String name, Function<Containers, Tensor> value,
            Function<Containers, List<GradientAndVariable>> gradients, Function<Containers, List<Variable>> expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        Tensor x = Tensor.randomNormal(new SplittableRandom(3), 0, 1, 3, 2).cast(DType.FLOAT64);
        Function<Containers, List<Variable>> weights = m -> List.of(m.weights);
        Function<Containers, List<Variable>> layers = m -> List.of(m.layers[0].w, m.layers[0].b, m.layers[1].w,
                m.layers[1].b);
        return Stream.of(
                new Case("for (Variable v : array)", m -> m.forEachVariable(x),
                        m -> ContainersGrad.forEachVariableImplicitGradients(m, x), weights),
                new Case("array[i].value()", m -> m.indexedVariables(x),
                        m -> ContainersGrad.indexedVariablesImplicitGradients(m, x), weights),
                new Case("list.get(i).value()", m -> m.listByIndex(x),
                        m -> ContainersGrad.listByIndexImplicitGradients(m, x), weights),
                new Case("for (Variable v : list)", m -> m.listForEach(x),
                        m -> ContainersGrad.listForEachImplicitGradients(m, x), weights),
                new Case("repeated reads", m -> m.repeatedReads(x),
                        m -> ContainersGrad.repeatedReadsImplicitGradients(m, x), weights),
                new Case("for (Dense layer : layers)", m -> m.layerArray(x),
                        m -> ContainersGrad.layerArrayImplicitGradients(m, x), layers),
                new Case("layerList.get(i).apply(h)", m -> m.layerListByIndex(x),
                        m -> ContainersGrad.layerListByIndexImplicitGradients(m, x), layers),
                new Case("fields of layers", m -> m.fieldsOfLayers(x),
                        m -> ContainersGrad.fieldsOfLayersImplicitGradients(m, x), layers),
                new Case("l2.apply(l1.apply(x).relu()), x data", m -> m.twoLayers(x),
                        m -> ContainersGrad.twoLayersImplicitGradients(m, x),
                        m -> List.of(m.l1.w, m.l1.b, m.l2.w, m.l2.b))
        ).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyVariableGetsItsOwnGradient(Case c) {
        List<GradientAndVariable> gradients = c.gradients().apply(model);
        List<Variable> expected = c.expected().apply(model);
        assertEquals(expected.size(), gradients.size(), "one gradient per variable read: " + gradients);
        for (GradientAndVariable pair : gradients) {
            assertEquals(true, expected.contains(pair.variable()), pair.variable() + " was not read");
            assertEquals(pair.variable().value().shape(), pair.tensorGradient().shape(), pair.variable().name());
        }
        GradCheck.checkVariables(() -> c.value().apply(model).item(), gradients, TOLERANCE);
    }

    @Test
    void layersOnADifferentiatedInput() {
        var result = ContainersGrad.twoLayersOnInputValueAndGradients(model, x);
        assertEquals(model.twoLayersOnInput(x).item(), result.value().item(), 1e-12);
        GradCheck.check(t -> model.twoLayersOnInput(t), t -> ContainersGrad.twoLayersOnInputGradients(model, t).x(),
                x, TOLERANCE);
        GradCheck.checkVariables(() -> model.twoLayersOnInput(x).item(),
                ContainersGrad.twoLayersOnInputImplicitGradients(model, x), TOLERANCE);
    }
}
