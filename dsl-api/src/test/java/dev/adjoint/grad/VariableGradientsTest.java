package dev.adjoint.grad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.adjoint.Variable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The accumulator keeps its first two variables in fields and the rest in arrays; these tests read
 * and clear across that boundary, in random read orders, against a plain per-variable sum.
 */
class VariableGradientsTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 9})
    void sumsPerVariableInConstructionOrderAcrossClears(int variableCount) {
        List<Variable> variables = new ArrayList<>();
        for (int i = 0; i < variableCount; i++) {
            variables.add(new Variable(0, "v" + i));
        }
        SplittableRandom random = new SplittableRandom(variableCount);
        VariableGradients gradients = new VariableGradients();
        for (int round = 0; round < 3; round++) {
            gradients.clear();
            double[] expected = new double[variableCount];
            boolean[] read = new boolean[variableCount];
            int reads = 4 * variableCount;
            for (int r = 0; r < reads; r++) {
                int which = random.nextInt(variableCount);
                double g = random.nextDouble(-1, 1);
                gradients.accumulate(variables.get(which), g);
                expected[which] += g;
                read[which] = true;
            }
            List<GradientAndVariable> pairs = gradients.pairs();
            int slot = 0;
            for (int i = 0; i < variableCount; i++) {
                if (read[i]) {
                    GradientAndVariable pair = pairs.get(slot++);
                    assertEquals(variables.get(i), pair.variable());
                    assertEquals(expected[i], pair.gradient(), 1e-12);
                }
            }
            assertEquals(slot, pairs.size());
            assertEquals(slot, gradients.size());
            // Slots follow first reads: each slot's sum belongs to its own variable.
            for (int s = 0; s < gradients.size(); s++) {
                int i = variables.indexOf(gradients.variable(s));
                assertEquals(expected[i], gradients.gradient(s), 1e-12);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void slotsOutsideTheFilledRangeAreRejected(int filled) {
        VariableGradients gradients = new VariableGradients();
        for (int i = 0; i < filled; i++) {
            gradients.accumulate(new Variable(0, "v" + i), 1);
        }
        assertThrows(IndexOutOfBoundsException.class, () -> gradients.variable(filled));
        assertThrows(IndexOutOfBoundsException.class, () -> gradients.gradient(-1));
        if (filled == 0) {
            assertEquals(VariableGradients.NO_VARIABLES,
                    assertThrows(IllegalStateException.class, gradients::pairs).getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void pairsAreInConstructionOrderWhenReadInReverse(boolean alsoReadFirst) {
        Variable a = new Variable(1, "a");
        Variable b = new Variable(2, "b");
        Variable c = new Variable(3, "c");
        VariableGradients gradients = new VariableGradients();
        gradients.accumulate(c, 3);
        gradients.accumulate(b, 2);
        if (alsoReadFirst) {
            gradients.accumulate(a, 1);
        }
        List<Variable> order = gradients.pairs().stream().map(GradientAndVariable::variable).toList();
        assertEquals(alsoReadFirst ? List.of(a, b, c) : List.of(b, c), order);
    }
}
