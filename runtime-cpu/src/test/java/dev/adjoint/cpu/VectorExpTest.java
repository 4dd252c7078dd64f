package dev.adjoint.cpu;

import static dev.adjoint.cpu.UlpAssertions.apply;
import static dev.adjoint.cpu.UlpAssertions.assertWithinUlps;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.adjoint.op.UnaryOp;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * The float32 {@code exp} of {@link VectorElementwiseF32} (which also serves sigmoid, softplus, erf and the softmax
 * family): within {@value #MAX_ULPS} ulp of {@code Math.exp} rounded to float over its whole range, subnormal results
 * included, exact special values; and the same bits interpreted ({@code -Xint}, in a child JVM) as compiled, which
 * the JDK's {@code lanewise(EXP)} does not give.
 */
class VectorExpTest {
    private static final int MAX_ULPS = 2;
    /** A sweep across every result class: overflow, normal, subnormal, underflow to zero. */
    private static final int SWEEP = 400_001;

    private static float[] sweep() {
        float[] x = new float[SWEEP];
        for (int i = 0; i < SWEEP; i++) {
            x[i] = (float) (-110 + 205.0 * i / (SWEEP - 1));
        }
        return x;
    }

    private static float[] exp(float[] x) {
        return apply(UnaryOp.EXP, x);
    }

    @Test
    void withinTwoUlpOfTheCorrectlyRoundedValue() {
        float[] x = sweep();
        assertWithinUlps("exp", Math::exp, x, exp(x), MAX_ULPS);
    }

    @Test
    void specialValues() {
        float[] x = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 88.72283f, 88.7229f, -104f,
                -1000f, 1000f, 1f, Float.MIN_VALUE, -Float.MIN_VALUE, -87.33655f, -103.27893f};
        float[] padded = new float[64];
        System.arraycopy(x, 0, padded, 0, x.length);
        float[] got = exp(padded);
        assertEquals(Float.NaN, got[0]);
        assertEquals(Float.POSITIVE_INFINITY, got[1]);
        assertEquals(0f, got[2]);
        assertEquals(1f, got[3]);
        assertEquals(1f, got[4]);
        assertEquals((float) Math.exp(88.72283f), got[5], Math.ulp((float) Math.exp(88.72283f)) * MAX_ULPS);
        assertEquals(Float.POSITIVE_INFINITY, got[6]);
        assertEquals(0f, got[7]);
        assertEquals(0f, got[8]);
        assertEquals(Float.POSITIVE_INFINITY, got[9]);
        assertEquals((float) Math.E, got[10], Math.ulp((float) Math.E));
        assertEquals(1f, got[11]);
        assertEquals(1f, got[12]);
        assertEquals((float) Math.exp(-87.33655f), got[13], Math.ulp((float) Math.exp(-87.33655f)) * MAX_ULPS);
        assertEquals((float) Math.exp(-103.27893f), got[14], Float.MIN_VALUE * MAX_ULPS);
    }

    /** Run in the child JVM: prints the sweep's results as raw bits on standard output. */
    public static void main(String[] args) throws IOException {
        ChildJvm.write(exp(sweep()));
    }

    @Test
    void interpretedAndCompiledGiveTheSameBits() throws IOException, InterruptedException {
        ChildJvm.assertInterpretedEqualsCompiled(VectorExpTest.class, () -> exp(sweep()));
    }

    /** Adds, multiplies and FMAs round the same at any vector width: 256-bit vectors (AVX2) give the same bits. */
    @Test
    void avx2GivesTheSameBits() throws IOException, InterruptedException {
        ChildJvm.assertAvx2Equals(VectorExpTest.class, exp(sweep()), SWEEP);
    }
}
