package dev.adjoint.examples.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.grad.GradCheck;
import dev.adjoint.grad.GradientAndVariable;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The gradient of a method is never taken from a body the object does not run. */
class OverridingTest {

    @Test
    void overrideReachedThroughTheBaseType() {
        Overriding.Sub sub = new Overriding.Sub();
        var result = OverridingGrad.callThroughBaseValueAndGradients(sub, 2.0);
        // 2 w x^2 + x at w = 1.5, x = 2: value 14, d/dx = 4 w x + 1 = 13.
        assertEquals(14.0, result.value(), 1e-12);
        assertEquals(13.0, result.gradients().x(), 1e-12);
        List<GradientAndVariable> implicit = OverridingGrad.callThroughBaseImplicitGradients(sub, 2.0);
        assertEquals(8.0, implicit.getFirst().gradient(), 1e-12);
    }

    @Test
    void subclassesThatDoNotOverrideRunTheBase() {
        assertEquals(1.5 + 1.0, OverridingGrad.callThroughBaseGradients(new Overriding.Plain(), 2.0).x(), 1e-12);
        assertEquals(1.5 + 1.0, OverridingGrad.callThroughBaseGradients(new Overriding.Base(), 2.0).x(), 1e-12);
        assertEquals(2 * 2 * 1.5 * 2.0, Overriding_SubGrad.fGradients(new Overriding.Sub(), 2.0).x(), 1e-12);
    }

    @Test
    void anOverrideWithoutDifferentiableIsAnError() {
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> OverridingGrad.callThroughBaseGradients(new Overriding.Unannotated(), 2.0));
        assertTrue(error.getMessage().contains("annotate Unannotated.f @Differentiable"), error.getMessage());
    }

    @Test
    void heterogeneousLayersThroughAnInterface() {
        Overriding.Scale scale = new Overriding.Scale();
        List<Overriding.Layer> layers = List.of(scale, new Overriding.Square(), scale);
        double x = 0.7;
        GradCheck.check(v -> Overriding.sequential(layers, v[0]),
                v -> new double[] {OverridingGrad.sequentialGradients(layers, v[0]).x()}, new double[] {x});
        GradCheck.checkVariables(() -> Overriding.sequential(layers, x),
                OverridingGrad.sequentialImplicitGradients(layers, x), 1e-6);
    }
}
