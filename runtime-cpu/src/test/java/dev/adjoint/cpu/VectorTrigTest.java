package dev.adjoint.cpu;

import static dev.adjoint.cpu.UlpAssertions.apply;
import static dev.adjoint.cpu.UlpAssertions.assertWithinUlps;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.op.UnaryOp;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The float32 {@code sin} and {@code cos} of {@link VectorElementwiseF32}: within {@value #MAX_ULPS} ulp of the float64
 * function rounded to float for |x| up to 8192 (StrictMath's value beyond), exact special values, and the same bits
 * interpreted ({@code -Xint}), compiled, and with 256-bit vectors, which the JDK's {@code lanewise(SIN)} and
 * {@code lanewise(COS)} do not give.
 */
class VectorTrigTest {
    private static final int MAX_ULPS = 2;

    /** A sweep of [-8192, 8192], every float in [-4, 4] at a stride, and floats around multiples of pi/2. */
    private static float[] arguments() {
        int sweep = 300_000, near = 200_000, around = 2 * 5000 * 21;
        float[] x = new float[sweep + near + around + 16];
        int n = 0;
        for (int i = 0; i < sweep; i++) {
            x[n++] = (float) (-8192 + 16384.0 * i / (sweep - 1));
        }
        for (int i = 0; i < near; i++) {
            float f = Float.intBitsToFloat(i * (0x40800000 / near));
            x[n++] = i % 2 == 0 ? f : -f;
        }
        for (int k = -5000; k < 5000; k++) {
            float centre = (float) (k * Math.PI / 2);
            float f = centre;
            for (int step = 0; step < 10; step++) {
                f = Math.nextDown(f);
            }
            for (int step = 0; step < 21; step++) {
                x[n++] = f;
                f = Math.nextUp(f);
            }
        }
        float[] beyond = {8192.5f, -9000.25f, 1e6f, -1e6f, 3.4e38f, 12345.678f, 16777216f, -1e10f, 8193f, -8193.5f,
            1e20f, 65536f, 100000f, -123456.7f, 8200f, 1e30f};
        System.arraycopy(beyond, 0, x, n, beyond.length);
        return x;
    }

    @Test
    void sinWithinTwoUlp() {
        float[] x = arguments();
        assertWithinUlps("sin", Math::sin, x, apply(UnaryOp.SIN, x), MAX_ULPS);
    }

    @Test
    void cosWithinTwoUlp() {
        float[] x = arguments();
        assertWithinUlps("cos", Math::cos, x, apply(UnaryOp.COS, x), MAX_ULPS);
    }

    @Test
    void specialValues() {
        float[] x = new float[64];
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, Float.MIN_VALUE,
            -Float.MIN_VALUE};
        System.arraycopy(special, 0, x, 0, special.length);
        float[] sin = apply(UnaryOp.SIN, x), cos = apply(UnaryOp.COS, x);
        for (int i = 0; i < 3; i++) {
            assertEquals(Float.NaN, sin[i], "sin(" + x[i] + ")");
            assertEquals(Float.NaN, cos[i], "cos(" + x[i] + ")");
        }
        assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(sin[3]), "sin(0)");
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(sin[4]), "sin(-0)");
        assertEquals(Float.MIN_VALUE, sin[5]);
        assertEquals(-Float.MIN_VALUE, sin[6]);
        for (int i = 3; i < 7; i++) {
            assertEquals(1f, cos[i], "cos(" + x[i] + ")");
        }
    }

    /** In place (as a fused chain runs), the lanes past the reduction's limit still take their own argument. */
    @Test
    void inPlaceBeyondTheReductionLimit() {
        float[] x = new float[37];
        for (int i = 0; i < x.length; i++) {
            x[i] = i % 3 == 0 ? 1e6f + 997 * i : 0.25f * i;
        }
        for (UnaryOp op : new UnaryOp[] {UnaryOp.SIN, UnaryOp.COS}) {
            float[] expected = apply(op, x);
            float[] inPlace = x.clone();
            VectorElementwiseF32.unary(op, inPlace, inPlace, 0, inPlace.length);
            assertArrayEquals(expected, inPlace, op + " in place");
            assertEquals((float) StrictMath.sin(1e6f), apply(UnaryOp.SIN, x)[0], "sin(1e6)");
        }
    }

    /** Run in the child JVM: sin's and cos's results on a sparser sweep, as raw bits on standard output. */
    public static void main(String[] args) throws IOException {
        ChildJvm.write(results());
    }

    private static float[] results() {
        float[] all = arguments();
        float[] x = new float[all.length / 8];
        for (int i = 0; i < x.length; i++) {
            x[i] = all[i * 8];
        }
        return ChildJvm.concat(List.of(apply(UnaryOp.SIN, x), apply(UnaryOp.COS, x)));
    }

    @Test
    void interpretedAndCompiledGiveTheSameBits() throws IOException, InterruptedException {
        ChildJvm.assertInterpretedEqualsCompiled(VectorTrigTest.class, VectorTrigTest::results);
    }

    @Test
    void avx2GivesTheSameBits() throws IOException, InterruptedException {
        float[] here = results();
        ChildJvm.assertAvx2Equals(VectorTrigTest.class, here, here.length);
    }
}
