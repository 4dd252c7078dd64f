package dev.adjoint.cpu;

import static org.junit.jupiter.api.Assertions.fail;

import dev.adjoint.op.UnaryOp;
import java.util.function.DoubleUnaryOperator;

/** Runs a float32 vector kernel on an array and checks it in ulps against a float64 reference rounded to float. */
final class UlpAssertions {
    private UlpAssertions() {
    }

    /** {@code op} of every element of {@code x}, through the vector kernel (its scalar tail for the last few). */
    static float[] apply(UnaryOp op, float[] x) {
        float[] out = new float[x.length];
        VectorElementwiseF32.unary(op, x, out, 0, x.length);
        return out;
    }

    /**
     * Fails at the first {@code got[i]} more than {@code maxUlps} ulp from {@code reference(x[i])} rounded to float;
     * an infinite reference must be matched exactly.
     */
    static void assertWithinUlps(String name, DoubleUnaryOperator reference, float[] x, float[] got, int maxUlps) {
        for (int i = 0; i < x.length; i++) {
            float expected = (float) reference.applyAsDouble(x[i]);
            float ulp = Math.max(Math.ulp(expected), Float.MIN_VALUE);
            if (Float.isInfinite(expected) ? got[i] != expected : !(Math.abs(got[i] - expected) <= maxUlps * ulp)) {
                fail(name + "(" + x[i] + ") = " + got[i] + ", expected " + expected);
            }
        }
    }
}
