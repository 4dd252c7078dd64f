package dev.adjoint.examples.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The gradient of a method is never taken from a body the object does not run. */
class OverridingTest {

    @Test
    void overrideReachedThroughTheBaseTypeIsAnError() {
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> OverridingGrad.callThroughBaseGradients(new Overriding.Sub(), 2.0));
        assertTrue(error.getMessage().contains("Overriding$Sub overrides Base.f"), error.getMessage());
    }

    @Test
    void overrideThroughItsOwnTypeAndSubclassesThatDoNotOverride() {
        assertEquals(2 * 2 * 1.5 * 2.0, Overriding_SubGrad.fGradients(new Overriding.Sub(), 2.0).x(), 1e-12);
        assertEquals(1.5 + 1.0, OverridingGrad.callThroughBaseGradients(new Overriding.Plain(), 2.0).x(), 1e-12);
        assertEquals(1.5 + 1.0, OverridingGrad.callThroughBaseGradients(new Overriding.Base(), 2.0).x(), 1e-12);
    }
}
