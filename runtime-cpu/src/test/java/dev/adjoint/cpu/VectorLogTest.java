package dev.adjoint.cpu;

import static dev.adjoint.cpu.UlpAssertions.apply;
import static dev.adjoint.cpu.UlpAssertions.assertWithinUlps;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.op.UnaryOp;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The float32 {@code log} and {@code log1p} of {@link VectorElementwiseF32} (log1p also serves softplus): within
 * {@value #MAX_ULPS} ulp of the float64 function rounded to float across every binade, subnormals included, exact
 * special values, and the same bits interpreted ({@code -Xint}, in a child JVM) as compiled, which the JDK's
 * {@code lanewise(LOG)} and {@code lanewise(LOG1P)} do not give.
 */
class VectorLogTest {
    private static final int MAX_ULPS = 2;
    /** Every 2,048th positive float, from the smallest subnormal to the largest finite value: all binades. */
    private static final int BIT_STEP = 2048;
    /** A sparser sweep for the interpreted child JVM, which takes about 50 us per vector. */
    private static final int INTERPRETED_STEP = 16;

    /** Positive floats across every binade, then the neighbourhood of 1 (where log is small and log1p's u rounds). */
    private static float[] positives() {
        int count = 0x7f7fffff / BIT_STEP;
        float[] x = new float[count + 40_000];
        for (int i = 0; i < count; i++) {
            x[i] = Float.intBitsToFloat(1 + i * BIT_STEP);
        }
        for (int i = 0; i < 40_000; i++) {
            x[count + i] = 1f + (i - 20_000) * 1e-5f;
        }
        return x;
    }

    /** log1p's domain below zero: (-1, 0), denser towards both ends. */
    private static float[] negatives() {
        float[] x = new float[200_000];
        for (int i = 0; i < x.length; i++) {
            x[i] = -Float.intBitsToFloat(1 + (int) ((long) i * 0x3f7fffff / x.length));
        }
        return x;
    }

    @Test
    void logWithinTwoUlpOfTheCorrectlyRoundedValue() {
        float[] x = positives();
        assertWithinUlps("log", Math::log, x, apply(UnaryOp.LOG, x), MAX_ULPS);
    }

    @Test
    void log1pWithinTwoUlpOfTheCorrectlyRoundedValue() {
        float[] x = positives();
        assertWithinUlps("log1p", Math::log1p, x, apply(UnaryOp.LOG1P, x), MAX_ULPS);
        float[] below = negatives();
        assertWithinUlps("log1p", Math::log1p, below, apply(UnaryOp.LOG1P, below), MAX_ULPS);
    }

    @Test
    void specialValues() {
        float[] x = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, -1f, 1f, Float.MIN_VALUE,
                Float.MAX_VALUE, -Float.MIN_VALUE, (float) Math.E, 2f, 0.5f};
        float[] padded = new float[64];
        System.arraycopy(x, 0, padded, 0, x.length);
        float[] log = apply(UnaryOp.LOG, padded);
        float[] log1p = apply(UnaryOp.LOG1P, padded);
        assertEquals(Float.NaN, log[0]);
        assertEquals(Float.POSITIVE_INFINITY, log[1]);
        assertEquals(Float.NaN, log[2]);
        assertEquals(Float.NEGATIVE_INFINITY, log[3]);
        assertEquals(Float.NEGATIVE_INFINITY, log[4]);
        assertEquals(Float.NaN, log[5]);
        assertEquals(0f, log[6]);
        assertEquals((float) Math.log(Float.MIN_VALUE), log[7], Math.ulp((float) Math.log(Float.MIN_VALUE)));
        assertEquals((float) Math.log(Float.MAX_VALUE), log[8], Math.ulp((float) Math.log(Float.MAX_VALUE)));
        assertEquals(Float.NaN, log[9]);
        assertEquals(1f, log[10], Math.ulp(1f));
        assertEquals((float) Math.log(2), log[11], Math.ulp((float) Math.log(2)));
        assertEquals((float) -Math.log(2), log[12], Math.ulp((float) Math.log(2)));

        assertEquals(Float.NaN, log1p[0]);
        assertEquals(Float.POSITIVE_INFINITY, log1p[1]);
        assertEquals(Float.NaN, log1p[2]);
        assertEquals(0f, log1p[3]);
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(log1p[4]), "log1p(-0) keeps the sign");
        assertEquals(Float.NEGATIVE_INFINITY, log1p[5]);
        assertEquals((float) Math.log(2), log1p[6], Math.ulp((float) Math.log(2)));
        assertEquals(Float.MIN_VALUE, log1p[7]);
        assertEquals((float) Math.log(Float.MAX_VALUE), log1p[8], Math.ulp((float) Math.log(Float.MAX_VALUE)));
        assertEquals(-Float.MIN_VALUE, log1p[9]);
    }

    /** Run in the child JVM: prints log's, log1p's and softplus's results as raw bits on standard output. */
    public static void main(String[] args) throws IOException {
        ChildJvm.write(results());
    }

    private static float[] results() {
        float[] x = every(positives(), INTERPRETED_STEP), below = every(negatives(), INTERPRETED_STEP);
        return ChildJvm.concat(List.of(apply(UnaryOp.LOG, x), apply(UnaryOp.LOG1P, x), apply(UnaryOp.LOG1P, below),
                apply(UnaryOp.SOFTPLUS, below)));
    }

    private static float[] every(float[] x, int step) {
        float[] out = new float[x.length / step];
        for (int i = 0; i < out.length; i++) {
            out[i] = x[i * step];
        }
        return out;
    }

    @Test
    void interpretedAndCompiledGiveTheSameBits() throws IOException, InterruptedException {
        ChildJvm.assertInterpretedEqualsCompiled(VectorLogTest.class, VectorLogTest::results);
    }

    /** Adds, multiplies and FMAs round the same whatever the vector width: 256-bit vectors give the same bits. */
    @Test
    void avx2GivesTheSameBits() throws IOException, InterruptedException {
        float[] here = results();
        ChildJvm.assertAvx2Equals(VectorLogTest.class, here, here.length);
    }
}
