package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MainTest {

    @Test
    void scalarGradientsMatchTheDerivativesTakenByHand() {
        var gradients = MainGrad.fGradients(3.0, 2.0);
        assertEquals(2 * 3.0 * 2.0 + Math.cos(3.0), gradients.x(), 1e-12);
        assertEquals(3.0 * 3.0, gradients.y(), 1e-12);
    }

    @Test
    void tensorGradientIsTwiceTheInput() {
        Tensor w = Tensor.of(new float[] {1, -2, 3});
        assertEquals(Tensor.of(new float[] {2, -4, 6}), MainGrad.sumOfSquaresGradients(w).w());
    }

    @Test
    void mainPrintsTheGradients() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        try {
            Main.main(new String[0]);
        } finally {
            System.setOut(original);
        }
        assertEquals(List.of(
                "df/dx(3, 2) = " + (2 * 3.0 * 2.0 + Math.cos(3.0)),
                "df/dy(3, 2) = 9.0",
                "d sum(w^2)/dw = Tensor([ 2. -4.  6.], shape=(3,), dtype=float32)"),
                buffer.toString(StandardCharsets.UTF_8).lines().toList());
    }
}
