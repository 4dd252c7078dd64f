package dev.adjoint.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.adjoint.op.UnaryOp;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The float32 rational {@code tanh} of {@link VectorElementwiseF32} against {@link Math#tanh} in
 * float64: relative error at most {@value #MAX_RELATIVE_ERROR} (about 3.4 ulp) wherever
 * {@code |tanh x| > 1e-30}, absolute error below that, exact special values and signed zeros.
 */
class VectorTanhTest {
    private static final double MAX_RELATIVE_ERROR = 4e-7;

    private static float[] tanh(float[] x) {
        float[] out = new float[x.length];
        VectorElementwiseF32.unary(UnaryOp.TANH, x, out, 0, x.length);
        return out;
    }

    /** Fails at the first element whose error is over the bound, naming input and both results. */
    private static void assertAccurate(float[] x, float[] actual) {
        for (int i = 0; i < x.length; i++) {
            double expected = Math.tanh(x[i]);
            if (Double.isNaN(expected)) {
                if (!Float.isNaN(actual[i])) {
                    fail("tanh(" + x[i] + ") = " + actual[i] + ", expected NaN");
                }
                continue;
            }
            double error = Math.abs(actual[i] - expected);
            if (Math.abs(expected) > 1e-30) {
                error /= Math.abs(expected);
            }
            if (!(error <= MAX_RELATIVE_ERROR)) {
                fail("tanh(" + x[i] + ") = " + actual[i] + ", expected " + expected + " (error " + error + ")");
            }
        }
    }

    @Test
    void denseSweepOverTwentyEachSide() {
        int n = 400_001;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (-20 + 40.0 * i / (n - 1));
        }
        assertAccurate(x, tanh(x));
    }

    @Test
    void sweepNearZeroWhereTanhIsAlmostX() {
        int n = 100_001;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (-1e-2 + 2e-2 * i / (n - 1));
        }
        assertAccurate(x, tanh(x));
    }

    /** Random bit patterns cover every exponent, subnormals, infinities and NaNs alike. */
    @Test
    void randomBitPatterns() {
        SplittableRandom random = new SplittableRandom(20250611);
        float[] x = new float[200_000];
        for (int i = 0; i < x.length; i++) {
            x[i] = Float.intBitsToFloat(random.nextInt());
        }
        assertAccurate(x, tanh(x));
    }

    /** Values whose float32 tanh is exact: saturation to +-1, signed zeros, tanh(x) = x at tiny x. */
    @Test
    void specialValuesAreExact() {
        float[] x = {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE,
                1e-30f, -1e-30f, 10f, -10f, 100f, -100f, Float.MAX_VALUE, -Float.MAX_VALUE};
        // Repeat each value across a whole vector so the SIMD path, not the scalar tail, computes it.
        int lanes = 64;
        float[] wide = new float[(x.length + 1) * lanes];
        for (int i = 0; i < wide.length; i++) {
            wide[i] = i / lanes < x.length ? x[i / lanes] : Float.NaN;
        }
        float[] out = tanh(wide);
        for (int i = 0; i < wide.length; i++) {
            if (Float.isNaN(wide[i])) {
                assertTrue(Float.isNaN(out[i]), "tanh(NaN) = " + out[i]);
            } else {
                // Bit equality also tells -0 from 0.
                float expected = (float) Math.tanh(wide[i]);
                assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(out[i]),
                        "tanh(" + wide[i] + ") = " + out[i] + ", expected " + expected);
            }
        }
    }

    /** SIMD tails and a nonzero start offset: each element matches the lane-independent result. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 15, 17, 33, 1023})
    void oddLengthsAndOffsets(int n) {
        SplittableRandom random = new SplittableRandom(n);
        int from = 3;
        float[] x = new float[from + n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextDouble() * 24 - 12);
        }
        float[] out = new float[x.length];
        float untouched = -42f;
        Arrays.fill(out, untouched);
        VectorElementwiseF32.unary(UnaryOp.TANH, x, out, from, from + n);
        for (int i = 0; i < from; i++) {
            assertEquals(untouched, out[i], "element before the range was written");
        }
        float[] slice = Arrays.copyOfRange(x, from, from + n);
        assertAccurate(slice, Arrays.copyOfRange(out, from, from + n));
    }
}
